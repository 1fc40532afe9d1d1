import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { getPayoutAccount } from '../../lib/clients/payout-account';
import { requestPayoutAccountChange } from '../../lib/clients/payout-changes';
import { achOriginatorFromEnv, loadOriginator } from '../../lib/payouts/originator';
import { runReleaseCycle } from '../../lib/releases';
import { payoutNacha } from '../../lib/releases/payouts';
import { aClient, aDebtor, aFundedInvoice, aPayoutAccount, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const INSTAPAY = {
  advanceRate: '0.90',
  reserveRate: '0.10',
  fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
  releaseAutoApproveUpTo: '1000.00',
} as const;
const originator = {
  originRouting: '021000021',
  destinationRouting: '021000021',
  destinationName: 'Chase',
  companyId: '1234567890',
  companyName: 'Holdback Factors',
};

async function paidRelease(face: string) {
  const client = await aClient(t.database, team, { agreement: INSTAPAY });
  const debtor = await aDebtor(t.database, team);
  const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate: '2026-01-01' });
  const p = await t.database.transaction((x) => receivePayment(x, { amount: face, currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
  await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: face }] }, team.collections));
  const cycle = await runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: [client.id] }, team.controller);
  expect(cycle.releases[0]).toMatchObject({ status: 'paid' });
  return { client, releaseId: cycle.releases[0]!.id };
}

describe('payout accounts and the NACHA file', () => {
  it('validates and masks the account; only underwriters and admins request it, someone else approves it', async () => {
    const { client } = await paidRelease('1000.00');
    const id = Number(client.id);
    await expect(
      t.database.transaction((x) => requestPayoutAccountChange(x, id, { holderName: 'Insta', routing: '021000022', account: '12345678' }, team.underwriter)),
    ).rejects.toMatchObject({
      status: 400,
      details: { routing: expect.stringContaining('ABA routing number') },
    });
    await expect(
      t.database.transaction((x) => requestPayoutAccountChange(x, id, { holderName: 'Insta', routing: '021000021', account: '12345678' }, team.approver)),
    ).rejects.toMatchObject({ status: 403 });
    // issue 14: a request, approved by a second person (tests/integration/payout-account-changes.test.ts tests the four-eyes itself)
    const saved = await aPayoutAccount(t.database, team, id, {
      holderName: 'InstaPay LLC',
      routing: '011000015',
      account: '000123456789',
      accountType: 'savings',
    });
    expect(saved.proposed).toMatchObject({ account: '••••6789', masked: 'savings ••••6789 at 011000015' });
    expect(await getPayoutAccount(t.database, id, team.approver)).toMatchObject({ holderName: 'InstaPay LLC', account: '••••6789' });
    const [audit] = await t.database.sql<
      { after: { account: string } }[]
    >`select after from audit_events where action = 'client.payout_account' and target_id = ${String(id)}`;
    expect(audit!.after.account).toBe('••••6789');
  });

  it('refuses a file while a paid client has no account, naming it; then writes every USD rebate paid in the range', async () => {
    await t.database.sql`update releases set as_of = '2025-01-01' where as_of = '2026-01-30'`; // only this test's releases in range
    const a = await paidRelease('1000.00'); // 70.00
    const b = await paidRelease('2000.00'); // 140.00
    await aPayoutAccount(t.database, team, a.client.id, { holderName: 'Client A', routing: '011000015', account: '1111222233' });
    await expect(payoutNacha(t.database, { from: '2026-01-30', to: '2026-01-30' }, { originator })).rejects.toMatchObject({
      code: 'payout_accounts_missing',
      status: 422,
      details: { clients: [b.client.id] },
    });
    await aPayoutAccount(t.database, team, b.client.id, { holderName: 'Client B', routing: '026009593', account: '9999888877' });
    const out = await payoutNacha(
      t.database,
      { from: '2026-01-30', to: '2026-01-30' },
      { originator, now: new Date('2026-01-30T17:00:00Z'), effectiveDate: '2026-02-02' },
    );
    expect(out).toMatchObject({ count: 2, total: '210.00' });
    const lines = out.file.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[2]).toBe(`6220110000151111222233       0000007000${`REL${a.releaseId}`.padEnd(15)}CLIENT A                0021000020000001`);
    expect(lines[3]!.slice(0, 39)).toBe('6220260095939999888877       0000014000');
    expect(lines[4]!.slice(20, 44)).toBe('000000000000000000021000'); // no debits, 210.00 credited
    await expect(payoutNacha(t.database, { from: '2027-01-01', to: '2027-01-31' }, { originator })).rejects.toMatchObject({ code: 'nothing_to_pay' });
  });

  it('says which bank settings are missing: Settings → Payout bank, else the environment', async () => {
    // issue 14: the originator moved from the environment to Settings; the environment still serves until they are filled in
    expect(achOriginatorFromEnv({})).toBeNull();
    expect(achOriginatorFromEnv({ NACHA_ORIGIN_ROUTING: '021000021', NACHA_COMPANY_ID: '1234567890', NACHA_COMPANY_NAME: 'Holdback' })).toMatchObject({
      destinationRouting: '021000021',
    });
    const saved = { ...process.env };
    try {
      for (const k of ['NACHA_ORIGIN_ROUTING', 'NACHA_COMPANY_ID', 'NACHA_COMPANY_NAME']) delete process.env[k];
      await expect(loadOriginator(t.database, 'nacha')).rejects.toMatchObject({
        code: 'originator_not_configured',
        status: 422,
        message: expect.stringContaining('Settings → Payout bank'),
      });
    } finally {
      process.env = saved;
    }
  });
});

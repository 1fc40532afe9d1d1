import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { getPayoutAccount } from '../../lib/clients/payout-account';
import { requestPayoutAccountChange } from '../../lib/clients/payout-changes';
import { achOriginatorFromEnv, loadOriginator } from '../../lib/payouts/originator';
import { runReleaseCycle } from '../../lib/releases';
import { batchFile, createBatch } from '../../lib/payouts';
import { payoutsByDateRetired } from '../../lib/releases/payouts';
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
// the factor's bank, as lib/payouts/originator.ts reads it (the environment, until Settings hold it)
const ORIGINATOR_ENV = {
  NACHA_ORIGIN_ROUTING: '021000021',
  NACHA_DESTINATION_ROUTING: '021000021',
  NACHA_DESTINATION_NAME: 'Chase',
  NACHA_COMPANY_ID: '1234567890',
  NACHA_COMPANY_NAME: 'Holdback Factors',
};

async function paidRelease(face: string) {
  const client = await aClient(t.database, team, { agreement: INSTAPAY });
  const debtor = await aDebtor(t.database, team);
  const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: face, fundingDate: '2026-01-01' });
  const p = await t.database.transaction((x) => receivePayment(x, { amount: face, currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
  await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: face }] }, team.collections));
  const cycle = await runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: [client.id] }, team.controller);
  // issue 14: approved (reserve → client payable); paid later through a payout batch
  expect(cycle.releases[0]).toMatchObject({ status: 'approved' });
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

  it('refuses a batch while a client to pay has no account, naming it; then its NACHA file has one credit per approved USD rebate', async () => {
    for (const [k, v] of Object.entries(ORIGINATOR_ENV)) vi.stubEnv(k, v);
    // the first test's release: give its client an account so only this test's clients are missing
    const a = await paidRelease('1000.00'); // 70.00
    const b = await paidRelease('2000.00'); // 140.00
    await aPayoutAccount(t.database, team, a.client.id, { holderName: 'Client A', routing: '011000015', account: '1111222233' });
    const missing = await t.database.sql<{ id: string }[]>`select id::text as id from clients where payout_account is null order by id`;
    expect(missing.map((m) => m.id)).toContain(b.client.id);
    await expect(t.database.transaction((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-02' }, team.controller))).rejects.toMatchObject({
      code: 'payout_accounts_missing',
      status: 422,
      details: { clients: missing.map((m) => m.id) },
    });
    await aPayoutAccount(t.database, team, b.client.id, { holderName: 'Client B', routing: '026009593', account: '9999888877' });
    // the first test's client (set there, savings ••••6789) is paid too
    const { batch } = await t.database.transaction((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-02' }, team.controller));
    expect(batch).toMatchObject({ total: '280.00', status: 'open' });
    expect(batch.releases.map((r) => r.id).slice(1)).toEqual([String(a.releaseId), String(b.releaseId)]);
    const out = await t.database.transaction((x) => batchFile(x, Number(batch.id), 'nacha', team.controller));
    const lines = new TextDecoder().decode(out.bytes).trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[3]).toBe(`6220110000151111222233       0000007000${`R${a.releaseId}B${batch.id}`.padEnd(15)}CLIENT A                0021000020000002`);
    expect(lines[4]!.slice(0, 39)).toBe('6220260095939999888877       0000014000');
    expect(lines[5]!.slice(20, 44)).toBe('000000000000000000028000'); // no debits, 280.00 credited
    await expect(t.database.transaction((x) => createBatch(x, { currency: 'USD', valueDate: '2026-02-03' }, team.controller))).rejects.toMatchObject({
      code: 'nothing_to_pay',
    });
    vi.unstubAllEnvs();
  });

  it('the date-range payout file is retired: it points to payout batches', () => {
    expect(payoutsByDateRetired()).toMatchObject({ status: 422, code: 'use_payout_batches', message: expect.stringContaining('/api/v1/payout-batches') });
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { currentBalances } from '../../lib/ledger';
import { postEntries } from '../../lib/ledger/post';
import { Big, formatMoney } from '../../lib/money';
import { loadAdvice } from '../../lib/portal/advice';
import { batchFile, createBatch, markSent, markSettled } from '../../lib/payouts';
import { approveRelease, getRelease, rejectRelease, runReleaseCycle } from '../../lib/releases';
import { setClientStatus } from '../../lib/clients/onboarding';
import { clientEscrow, escrowDueOnClose, requestEscrowRelease } from '../../lib/releases/escrow';
import { aClient, aDebtor, aFundedInvoice, aPayoutAccount, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);
const balances = async (clientId: string) =>
  Object.fromEntries((await currentBalances(t.database, { clientId: Number(clientId) })).map((b) => [b.account, formatMoney(b.balance, b.currency)]));
// NAYA (SPEC 6 example 1): each 10,000 invoice paid after 30 days releases 1,900.00; 10% of each rebate to escrow up to 300.00.
const ESCROW = {
  advanceRate: '0.80',
  reserveRate: '0.20',
  fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
  reservePolicy: { kind: 'escrow', share: '0.10', cap: '300.00' },
} as const;

async function settledRebate(client: { id: string }, debtor: { id: string }, fundingDate: string, paidDate: string, asOf: string) {
  const inv = await aFundedInvoice(t.database, team, { client: client as never, debtor: debtor as never, faceValue: '10000.00', fundingDate });
  const p = await tx((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: paidDate }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '10000.00' }] }, team.collections));
  const run = await runReleaseCycle(t.database, { asOf, clientIds: [client.id] }, team.controller);
  expect(run.releases).toEqual([expect.objectContaining({ amount: '1900.00', status: 'pending_approval' })]);
  return tx((x) => approveRelease(x, Number(run.releases[0]!.id), {}, team.approver));
}

describe('escrow cap (issue 16 item 3)', () => {
  it('rebates pay their share into escrow until the cap (the last one in part), then in full; an approved escrow release is paid through a payout batch', async () => {
    const client = await aClient(t.database, team, { agreement: ESCROW });
    const debtor = await aDebtor(t.database, team);
    await aPayoutAccount(t.database, team, client.id, { holderName: 'Escrow client', routing: '011000015', account: '123456789' });

    const r1 = await settledRebate(client, debtor, '2026-01-01', '2026-01-31', '2026-02-02');
    expect(r1).toMatchObject({ status: 'approved', approvedAmount: '1710.00', escrowAmount: '190.00', kind: 'reserve' });
    expect(await balances(client.id)).toMatchObject({ reserve: '0.00', client_payable: '1710.00', escrow: '190.00' });

    // 110.00 of the next 190.00 still fits under the 300.00 cap
    const r2 = await settledRebate(client, debtor, '2026-01-02', '2026-02-01', '2026-02-03');
    expect(r2).toMatchObject({ approvedAmount: '1790.00', escrowAmount: '110.00' });
    expect(await balances(client.id)).toMatchObject({ client_payable: '3500.00', escrow: '300.00' });

    // at the cap: the whole rebate is paid
    const r3 = await settledRebate(client, debtor, '2026-01-03', '2026-02-02', '2026-02-04');
    expect(r3).toMatchObject({ approvedAmount: '1900.00', escrowAmount: null });
    expect(await balances(client.id)).toMatchObject({ client_payable: '5400.00', escrow: '300.00' });
    // each entry: reserve drawn = paid + escrow, exactly
    const entries = await t.database.sql<{ reserve: string; payable: string; escrow: string | null }[]>`
      select sum(l.amount) filter (where a.code = 'reserve')::text as reserve, (-sum(l.amount) filter (where a.code = 'client_payable'))::text as payable,
             (-sum(l.amount) filter (where a.code = 'escrow'))::text as escrow
        from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
       where e.kind = 'release' and e.client_id = ${client.id} group by e.id order by e.id`;
    expect(entries.map((e) => [Number(e.reserve), Number(e.payable), Number(e.escrow ?? 0)])).toEqual([
      [1900, 1710, 190],
      [1900, 1790, 110],
      [1900, 1900, 0],
    ]);

    expect(await tx((x) => clientEscrow(x, Number(client.id), team.approver))).toEqual({
      share: '0.10',
      cap: '300.00',
      balances: [{ currency: 'USD', held: '300.00', cap: '300.00', pendingRelease: null }],
    });

    // the escrow release: more than held refused; requested by one person, approved by another
    await expect(
      tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', amount: '300.01', asOf: '2026-03-01' }, team.controller)),
    ).rejects.toMatchObject({
      status: 409,
      code: 'exceeds_escrow',
    });
    await expect(tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', asOf: '2026-03-01' }, team.collections))).rejects.toMatchObject({
      status: 403,
    });
    const asked = await tx((x) =>
      requestEscrowRelease(x, Number(client.id), { currency: 'USD', asOf: '2026-03-01', reason: 'Relationship ended' }, team.controller),
    );
    expect(asked).toMatchObject({ kind: 'escrow', status: 'pending_approval', amount: '300.00', cycleId: null });
    // a second one waits behind it
    await expect(
      tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', amount: '1.00', asOf: '2026-03-02' }, team.controller)),
    ).rejects.toMatchObject({
      code: 'already_pending',
    });
    // a reserve cycle the same day is not blocked by it, and the pending escrow release does not count against the reserve
    const cycle = await runReleaseCycle(t.database, { asOf: '2026-03-01', clientIds: [client.id] }, team.controller);
    expect(cycle.releases.every((r) => r.status === 'nothing_due')).toBe(true);
    await expect(tx((x) => approveRelease(x, Number(asked.id), {}, team.controller))).rejects.toMatchObject({ status: 403, code: 'maker_checker' });
    const approved = await tx((x) => approveRelease(x, Number(asked.id), {}, team.approver));
    expect(approved).toMatchObject({ status: 'approved', approvedAmount: '300.00', kind: 'escrow' });
    expect((await tx((x) => getRelease(x, Number(asked.id), team.approver))).entries).toEqual([
      expect.objectContaining({ kind: 'escrow_release', idempotencyKey: `escrow-release:${asked.id}` }),
    ]);
    expect(await balances(client.id)).toMatchObject({ client_payable: '5700.00', escrow: '0.00' });
    // never released twice: nothing left to ask for
    await expect(tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', asOf: '2026-03-02' }, team.controller))).rejects.toMatchObject({
      code: 'nothing_in_escrow',
    });

    // paid through the normal payout path with the rebates
    const { batch } = await tx((x) => createBatch(x, { currency: 'USD', valueDate: '2026-03-02' }, team.controller));
    expect(batch.releases.map((r) => [r.id, r.amount])).toEqual(
      expect.arrayContaining([
        [String(r1.id), '1710.00'],
        [String(asked.id), '300.00'],
      ]),
    );
    await tx((x) => batchFile(x, Number(batch.id), 'csv', team.controller));
    await tx((x) => markSent(x, Number(batch.id), { date: '2026-03-02' }, team.controller));
    await tx((x) => markSettled(x, Number(batch.id), { date: '2026-03-03' }, team.controller));
    expect(await tx((x) => getRelease(x, Number(asked.id), team.approver))).toMatchObject({ status: 'paid' });
    expect(await balances(client.id)).toMatchObject({ client_payable: '0.00', escrow: '0.00', reserve: '0.00' });
    // the rebate advice adds up: reserve released less the escrow kept is what was paid
    const advice = await loadAdvice(t.database, Number(client.id), Number(r1.id));
    expect(advice).toMatchObject({ releasedTotal: '1900.00', amountPaid: '1710.00' });
    expect(advice.offsets).toEqual([{ label: 'Kept in escrow (until its cap)', amount: '190.00' }]);
    expect(await loadAdvice(t.database, Number(client.id), Number(asked.id))).toMatchObject({ releasedTotal: '300.00', amountPaid: '300.00' });
    const report = await verifyAll(t.database.sql);
    expect(report.breaks).toEqual([]);
  });

  it('closing the client requests its whole escrow for release, approved by someone else and posted escrow → client payable', async () => {
    const client = await aClient(t.database, team, { agreement: ESCROW });
    const debtor = await aDebtor(t.database, team);
    await settledRebate(client, debtor, '2026-01-01', '2026-01-31', '2026-02-02');
    expect(await balances(client.id)).toMatchObject({ escrow: '190.00', client_payable: '1710.00' });
    expect((await escrowDueOnClose(t.database, Number(client.id))).map((d) => [d.currency, d.amount.toFixed(2)])).toEqual([['USD', '190.00']]);

    const closed = await tx((x) => setClientStatus(x, Number(client.id), 'closed', 'Relationship ended', team.underwriter));
    expect(closed).toMatchObject({ status: 'closed', escrowReleases: [{ currency: 'USD', amount: '190.00' }] });
    const id = closed.escrowReleases![0]!.releaseId;
    const rows = await t.database.sql<{ id: string; kind: string; status: string; amount: string; created_by: string; reason: string }[]>`
      select id, kind, status, amount::text, created_by::text, breakdown->'summary'->>'reason' as reason from releases where client_id = ${client.id} and kind = 'escrow'`;
    expect(rows).toEqual([
      {
        id: String(id),
        kind: 'escrow',
        status: 'pending_approval',
        amount: '190.0000',
        created_by: String(team.underwriter.userId),
        reason: 'Client closed: Relationship ended',
      },
    ]);
    // nothing posted until approved; the closer's request is approved by another person
    expect(await balances(client.id)).toMatchObject({ escrow: '190.00' });
    expect(await tx((x) => approveRelease(x, id, {}, team.approver))).toMatchObject({ status: 'approved', approvedAmount: '190.00', kind: 'escrow' });
    const lines = await t.database.sql<{ code: string; amount: string }[]>`
      select a.code, l.amount::text from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
       where e.release_id = ${id} and e.kind = 'escrow_release' order by a.code`;
    expect(lines).toEqual([
      { code: 'client_payable', amount: '-190.0000' },
      { code: 'escrow', amount: '190.0000' },
    ]);
    expect(await balances(client.id)).toMatchObject({ escrow: '0.00', client_payable: '1900.00' });
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it('closing asks only for the escrow a waiting release does not already ask for; nothing when none is held', async () => {
    const client = await aClient(t.database, team, { agreement: ESCROW });
    const debtor = await aDebtor(t.database, team);
    await settledRebate(client, debtor, '2026-01-01', '2026-01-31', '2026-02-02');
    await settledRebate(client, debtor, '2026-01-02', '2026-02-01', '2026-02-03');
    expect(await balances(client.id)).toMatchObject({ escrow: '300.00' });
    const asked = await tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', amount: '100.00', asOf: '2026-03-01' }, team.controller));
    const closed = await tx((x) => setClientStatus(x, Number(client.id), 'closed', 'Moved to another factor', team.underwriter));
    expect(closed.escrowReleases).toEqual([{ releaseId: expect.any(Number), currency: 'USD', amount: '200.00' }]);
    expect((await tx((x) => clientEscrow(x, Number(client.id), team.approver))).balances).toEqual([
      { currency: 'USD', held: '300.00', cap: '300.00', pendingRelease: '300.00' },
    ]);
    // a person still asks for one at a time
    await expect(
      tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', amount: '1.00', asOf: '2026-03-02' }, team.controller)),
    ).rejects.toMatchObject({
      code: 'already_pending',
    });
    expect(await escrowDueOnClose(t.database, Number(client.id))).toEqual([]);
    await tx((x) => approveRelease(x, Number(asked.id), {}, team.approver));
    await tx((x) => approveRelease(x, closed.escrowReleases![0]!.releaseId, {}, team.approver));
    expect(await balances(client.id)).toMatchObject({ escrow: '0.00', client_payable: '3800.00' });

    // a client without escrow is closed as before
    const plain = await aClient(t.database, team, { agreement: { ...ESCROW, reservePolicy: undefined } as never });
    expect(await tx((x) => setClientStatus(x, Number(plain.id), 'closed', 'Never funded', team.underwriter))).toMatchObject({
      status: 'closed',
      escrowReleases: [],
    });
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it('an escrow release above the controller threshold needs a controller; a rejected one posts nothing; a tampered escrow is a verify break', async () => {
    const client = await aClient(t.database, team, { agreement: { ...ESCROW, reservePolicy: { kind: 'escrow', share: '0.50', cap: '100000.00' } } });
    const debtor = await aDebtor(t.database, team);
    const r = await settledRebate(client, debtor, '2026-01-01', '2026-01-31', '2026-02-02');
    expect(r).toMatchObject({ approvedAmount: '950.00', escrowAmount: '950.00' });
    await t.database.sql`insert into settings (key, value) values ('release.controller_threshold', '"500.00"'::jsonb)
                          on conflict (key) do update set value = excluded.value`;
    const rejected = await tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', amount: '100.00', asOf: '2026-03-01' }, team.controller));
    await tx((x) => rejectRelease(x, Number(rejected.id), { reason: 'Not yet' }, team.approver));
    expect(await balances(client.id)).toMatchObject({ escrow: '950.00' });
    const asked = await tx((x) => requestEscrowRelease(x, Number(client.id), { currency: 'USD', asOf: '2026-03-02' }, team.admin));
    const first = await tx((x) => approveRelease(x, Number(asked.id), {}, team.approver));
    expect(first).toMatchObject({ status: 'pending_approval', needsController: true });
    const done = await tx((x) => approveRelease(x, Number(asked.id), {}, team.controller));
    expect(done).toMatchObject({ status: 'approved', approvedAmount: '950.00' });
    expect(await balances(client.id)).toMatchObject({ escrow: '0.00', client_payable: '1900.00' });
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
    // money put into escrow by no release: audit:verify names it
    await tx((x) =>
      postEntries(
        x,
        [
          {
            effectiveDate: '2026-03-05',
            kind: 'adjustment',
            idempotencyKey: `tamper:${client.id}`,
            clientId: Number(client.id),
            lines: [
              { account: 'client_payable', currency: 'USD', clientId: Number(client.id), amount: new Big('5.00') },
              { account: 'escrow', currency: 'USD', clientId: Number(client.id), amount: new Big('-5.00') },
            ],
          },
        ],
        team.controller,
      ),
    );
    expect((await verifyAll(t.database.sql)).breaks).toEqual([
      expect.objectContaining({
        kind: 'escrow',
        message: expect.stringContaining(`client ${client.id}'s escrow USD holds 5.00 but its releases come to 0.00`),
      }),
    ]);
  });
});

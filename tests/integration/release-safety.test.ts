import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { chargebackInvoice } from '../../lib/collections/disputes';
import { post } from '../../lib/ledger';
import { Big } from '../../lib/money';
import { approveRelease, markStaleCycles, reserveReport, resumeReleaseCycle, runReleaseCycle } from '../../lib/releases';
import { aClient, aDebtor, aFundedInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 11, finding 1: the same reserve paid twice. One client, one 10,000.00 invoice funded on
 * 2026-02-23 and paid on 2026-03-02 (NAYA terms: 7 days, a 23.33 fee, 1,976.67 releasable), then
 * cycles on two dates —
 * whatever the order of the approvals, or both at once, it is paid once.
 */
let t: TestDatabase;
let team: Team;
let approver2: Awaited<ReturnType<typeof aUser>>;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  approver2 = await aUser(t.database, 'approver');
});
afterAll(async () => t?.drop());

const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;
const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

async function paidInvoice(options: { agreement?: object; face?: string; funded?: string; paid?: string } = {}) {
  const client = await aClient(t.database, team, { agreement: (options.agreement ?? NAYA) as never });
  const debtor = await aDebtor(t.database, team);
  const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: options.face ?? '10000.00', fundingDate: options.funded ?? '2026-02-23' });
  const face = options.face ?? '10000.00';
  const p = await tx((x) => receivePayment(x, { amount: face, currency: 'USD', receivedDate: options.paid ?? '2026-03-02' }, team.collections));
  await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: face }] }, team.collections));
  return { client, debtor, inv };
}

async function reserveAccount(clientId: string) {
  const [row] = await t.database.sql<{ balance: string }[]>`select balance from ledger_accounts where client_id = ${clientId} and code = 'reserve'`;
  return new Big(row!.balance).times(-1).toFixed(2);
}

async function paidOut(clientId: string) {
  const [row] = await t.database.sql<{ total: string | null; n: number }[]>`
    select sum(approved_amount) as total, count(*)::int as n from releases where client_id = ${clientId} and status = 'approved'`;
  return { total: new Big(row!.total ?? 0).toFixed(2), releases: row!.n };
}

describe('the same reserve is never released twice, whatever the dates', () => {
  it('a second cycle on a later date proposes nothing while the first proposal is open', async () => {
    const { client } = await paidInvoice();
    const a = await runReleaseCycle(t.database, { asOf: '2026-03-14', clientIds: [client.id] }, team.controller);
    expect(a.releases).toEqual([expect.objectContaining({ amount: '1976.67', status: 'pending_approval' })]);
    const b = await runReleaseCycle(t.database, { asOf: '2026-03-15', clientIds: [client.id] }, team.controller);
    expect(b.releases).toEqual([]);
    expect(b.skipped).toEqual([{ clientId: client.id, currency: 'USD', reason: 'open_proposal', releaseId: a.releases[0]!.id }]);
    // the reserve report counts the open proposal against what is releasable
    expect((await reserveReport(t.database, Number(client.id), '2026-03-15', team.approver)).balances[0]).toMatchObject({
      held: '1976.67',
      releasable: '0.00',
      pendingApproval: '1976.67',
    });
  });

  it('release B (a later date) paid first, then release A (an earlier date) is refused: paid once', async () => {
    const { client } = await paidInvoice();
    const a = await runReleaseCycle(t.database, { asOf: '2026-03-14', clientIds: [client.id] }, team.controller);
    // Before this issue a second proposal of the same reserve could exist (e.g. left by an older
    // version); the approvals must hold on their own. Rejecting A lets B be proposed; then A's
    // twin is recreated the way the old code left it.
    const aId = Number(a.releases[0]!.id);
    await t.database.sql`update releases set status = 'rejected', reason = 'test' where id = ${aId}`;
    const b = await runReleaseCycle(t.database, { asOf: '2026-03-15', clientIds: [client.id] }, team.controller);
    expect(b.releases).toEqual([expect.objectContaining({ amount: '1976.67', status: 'pending_approval' })]);
    await tx((x) => approveRelease(x, Number(b.releases[0]!.id), {}, team.approver));
    await t.database.sql`update releases set status = 'pending_approval', reason = null where id = ${aId}`;
    await expect(tx((x) => approveRelease(x, aId, {}, approver2))).rejects.toMatchObject({
      status: 409,
      code: 'exceeds_releasable',
      details: { releasable: '0.00' },
    });
    expect(await paidOut(client.id)).toEqual({ total: '1976.67', releases: 1 });
    expect(await reserveAccount(client.id)).toBe('0.00');
  });

  it('at the same moment two people approve the proposal and a cycle runs for a later date: paid once', async () => {
    const { client } = await paidInvoice();
    const a = await runReleaseCycle(t.database, { asOf: '2026-03-14', clientIds: [client.id] }, team.controller);
    const aId = Number(a.releases[0]!.id);
    const results = await Promise.allSettled([
      tx((x) => approveRelease(x, aId, {}, team.approver)),
      tx((x) => approveRelease(x, aId, {}, approver2)),
      runReleaseCycle(t.database, { asOf: '2026-03-15', clientIds: [client.id] }, team.admin),
    ]);
    const approvals = results.slice(0, 2);
    expect(approvals.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((approvals.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'already_decided' });
    // the later cycle either waited for the open proposal or came after the payout: nothing more to release
    expect(results[2]).toMatchObject({ status: 'fulfilled' });
    const later = (results[2] as PromiseFulfilledResult<Awaited<ReturnType<typeof runReleaseCycle>>>).value;
    expect(later.releases.every((r) => r.status === 'nothing_due' || r.amount === '0.00')).toBe(true);
    expect(await paidOut(client.id)).toEqual({ total: '1976.67', releases: 1 });
    expect(await reserveAccount(client.id)).toBe('0.00');
  });

  it('a release proposed before a chargeback drew on the same reserve is approved only for what is left', async () => {
    const { client, debtor } = await paidInvoice();
    const run = await runReleaseCycle(t.database, { asOf: '2026-03-14', clientIds: [client.id] }, team.controller);
    const id = Number(run.releases[0]!.id);
    // A second invoice of the client is charged back later: the waterfall takes the settled reserve.
    const other = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-03-01' });
    await tx((x) => chargebackInvoice(x, Number(other.id), { date: '2026-03-20' }, team.collections));
    const refused = await tx((x) => approveRelease(x, id, {}, team.approver)).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, code: 'exceeds_releasable' });
    const left = (refused as { details: { releasable: string } }).details.releasable;
    // 1,000.00 short: 200.00 of its own reserve (less its fee), the rest from the settled invoice's.
    expect(new Big(left).lt('1976.67')).toBe(true);
    expect(new Big(left).gt(0)).toBe(true);
    const paid = await tx((x) => approveRelease(x, id, { amount: left }, team.approver));
    expect(paid).toMatchObject({ status: 'approved', approvedAmount: left });
    expect(new Big(await reserveAccount(client.id)).gte(0)).toBe(true);
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it('the database refuses a reserve account in debit, whatever code posts it', async () => {
    const { client } = await paidInvoice();
    const c = Number(client.id);
    const drain = (amount: string, key: string) =>
      tx((x) =>
        post(
          x,
          {
            effectiveDate: '2026-03-20',
            kind: 'payout',
            idempotencyKey: key,
            clientId: c,
            lines: [
              { account: 'reserve', currency: 'USD', clientId: c, amount: new Big(amount) },
              { account: 'cash', currency: 'USD', amount: new Big(amount).times(-1) },
            ],
          },
          systemActor('test'),
        ),
      );
    await expect(drain('1976.68', 'forged-drain')).rejects.toMatchObject({ code: '23514', constraint_name: 'ledger_accounts_liability_not_in_debit' });
    expect(await reserveAccount(client.id)).toBe('1976.67');
  });
});

describe('release cycles: bad input and crashes', () => {
  it('a cycle for a client that does not exist is refused, naming it; a future date is refused', async () => {
    const { client } = await paidInvoice();
    await expect(runReleaseCycle(t.database, { asOf: '2026-03-14', clientIds: [client.id, '987654321'] }, team.controller)).rejects.toMatchObject({
      status: 422,
      code: 'unknown_clients',
      details: { clientIds: 'unknown: 987654321' },
    });
    await expect(runReleaseCycle(t.database, { asOf: '2099-01-01', clientIds: [client.id] }, team.controller)).rejects.toMatchObject({
      status: 422,
      code: 'date_out_of_range',
    });
    const [future] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from release_cycles where as_of = '2099-01-01'`;
    expect(future!.n).toBe(0);
  });

  it('a cycle that fails part way is marked failed; resuming it proposes the rest exactly once', async () => {
    const clients: string[] = [];
    for (let i = 0; i < 3; i += 1) clients.push((await paidInvoice({ agreement: { ...NAYA, releaseAutoApproveUpTo: '5000.00' } })).client.id);
    let cycleId = 0;
    const crash = runReleaseCycle(t.database, { asOf: '2026-03-14', clientIds: clients }, team.controller, {
      chunkSize: 1,
      onCycle: (id) => void (cycleId = id),
      afterChunk: (done) => {
        if (done === 1) throw new Error('worker killed');
      },
    });
    await expect(crash).rejects.toThrow('worker killed');
    const [failed] = await t.database.sql<
      { status: string; clients_done: number; error: string }[]
    >`select status, clients_done, error from release_cycles where id = ${cycleId}`;
    expect(failed).toMatchObject({ status: 'failed', clients_done: 1, error: expect.stringContaining('worker killed') });
    const resumed = await resumeReleaseCycle(t.database, cycleId, team.controller);
    expect(resumed.id).toBe(String(cycleId));
    expect(resumed.releases.map((r) => [r.clientId, r.amount, r.status])).toEqual(clients.map((id) => [id, '1976.67', 'approved']));
    const [after] = await t.database.sql<{ status: string; clients_done: number; payouts: number }[]>`
      select status, clients_done, (select count(*)::int from journal_entries where kind = 'release' and client_id = any(${clients}::bigint[])) as payouts
        from release_cycles where id = ${cycleId}`;
    expect(after).toEqual({ status: 'completed', clients_done: 3, payouts: 3 });
    await expect(resumeReleaseCycle(t.database, cycleId, team.controller)).rejects.toMatchObject({ status: 409, code: 'not_resumable' });
  });

  it('a cycle whose process died (no heartbeat) is marked failed, then resumed', async () => {
    const { client } = await paidInvoice();
    const [row] = await t.database.sql<{ id: string }[]>`
      insert into release_cycles (as_of, kind, clients_due, created_by, created_by_label, requested_client_ids, heartbeat_at)
      values ('2026-03-14', 'ad_hoc', 1, ${team.controller.userId}, ${team.controller.label}, ${JSON.stringify([Number(client.id)])}::jsonb, now() - interval '11 minutes')
      returning id`;
    await expect(resumeReleaseCycle(t.database, Number(row!.id), team.approver)).resolves.toMatchObject({ status: 'completed' });
    const [again] = await t.database.sql<{ id: string }[]>`
      insert into release_cycles (as_of, kind, clients_due, created_by_label, heartbeat_at) values ('2026-03-15', 'ad_hoc', 0, 'job', now() - interval '30 minutes') returning id`;
    expect(await markStaleCycles(t.database)).toBeGreaterThanOrEqual(1);
    const [marked] = await t.database.sql<{ status: string; error: string }[]>`select status, error from release_cycles where id = ${again!.id}`;
    expect(marked).toMatchObject({ status: 'failed', error: expect.stringContaining('resume it') });
  });
});

describe('tranches and fees: a rolling reserve released before its invoice is paid', () => {
  it('settles the fee only from what the tranche still holds; the rest is offset later, never a debit', async () => {
    const ROLLING = {
      advanceRate: '0.90',
      reserveRate: '0.10',
      fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
      reservePolicy: { kind: 'rolling', holdDays: 10 },
      releaseAutoApproveUpTo: '100000.00',
    };
    const client = await aClient(t.database, team, { agreement: ROLLING as never });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-02-01' });
    // The tranche (1,000.00) matures on 2026-02-11 and is released while the invoice is still open.
    const run = await runReleaseCycle(t.database, { asOf: '2026-02-12', clientIds: [client.id] }, team.controller);
    expect(run.releases).toEqual([expect.objectContaining({ amount: '1000.00', status: 'approved' })]);
    // Paid 40 days after funding: fee 133.33 — nothing left in the tranche to settle it from.
    const p = await tx((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-03-13' }, team.collections));
    await tx((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '10000.00' }] }, team.collections));
    expect(await reserveAccount(client.id)).toBe('0.00');
    const [fees] = await t.database.sql<{ balance: string }[]>`select balance from ledger_accounts where client_id = ${client.id} and code = 'fees_receivable'`;
    expect(new Big(fees!.balance).toFixed(2)).toBe('133.33');
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });
});

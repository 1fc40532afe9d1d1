import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { countPendingApprovals } from '../../lib/approvals';
import { approveRelease, runReleaseCycle } from '../../lib/releases';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
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

describe('a release cycle that crashes part way', () => {
  it('keeps the chunks it committed, and the rerun posts the rest exactly once', async () => {
    const debtor = await aDebtor(t.database, team);
    const clients = [];
    for (let i = 0; i < 3; i += 1) {
      const client = await aClient(t.database, team, { agreement: INSTAPAY });
      const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
      const p = await t.database.transaction((x) => receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
      await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '1000.00' }] }, team.collections));
      clients.push(client.id);
    }
    // The worker dies after the first chunk of one client has committed.
    const crash = runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: clients }, team.controller, {
      chunkSize: 1,
      onProgress: (done) => {
        if (done === 1) throw new Error('worker killed');
      },
    });
    await expect(crash).rejects.toThrow('worker killed');
    const afterCrash = await t.database.sql<
      { client_id: string; status: string }[]
    >`select client_id, status from releases where client_id = any(${clients}::bigint[])`;
    expect(afterCrash).toEqual([{ client_id: clients[0], status: 'approved' }]);

    // The retry (the same cycle again) proposes and posts the other two, and the first not again.
    const rerun = await runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: clients }, team.controller, { chunkSize: 1 });
    expect(rerun.releases.map((r) => [r.clientId, r.amount, r.status])).toEqual(clients.map((id) => [id, '70.00', 'approved']));
    // issue 14: each release posted once (reserve → client payable); its payout follows in a batch
    const [counts] = await t.database.sql<{ releases: number; payouts: number; advices: number }[]>`
      select (select count(*)::int from releases where client_id = any(${clients}::bigint[])) as releases,
             (select count(*)::int from journal_entries where kind = 'release' and client_id = any(${clients}::bigint[])) as payouts,
             (select count(*)::int from email_outbox where template = 'rebate_advice' and client_id = any(${clients}::bigint[])) as advices`;
    expect(counts).toEqual({ releases: 3, payouts: 3, advices: 0 }); // no contacts on these clients: no advice
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it('a release waiting for approval counts on the dashboard until it is decided', async () => {
    const client = await aClient(t.database, team, { agreement: { ...INSTAPAY, releaseAutoApproveUpTo: '0.00' } });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
    const p = await t.database.transaction((x) => receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
    await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '1000.00' }] }, team.collections));
    const before = await countPendingApprovals(t.database);
    const cycle = await runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: [client.id] }, team.controller);
    expect(cycle.releases[0]).toMatchObject({ status: 'pending_approval' });
    expect(await countPendingApprovals(t.database)).toBe(before + 1);
    await t.database.transaction((x) => approveRelease(x, Number(cycle.releases[0]!.id), {}, team.approver));
    expect(await countPendingApprovals(t.database)).toBe(before);
  });
});

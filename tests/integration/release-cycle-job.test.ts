import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseCycleProcessor } from '../../jobs/processors/release-cycle';
import { closeQueues } from '../../jobs/queues';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { listJobRuns } from '../../lib/job-runs';
import { updateBatchAfterCycle } from '../../lib/payouts/after-cycle';
import { aClient, aDebtor, aFundedInvoice, aPayoutAccount, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

const prefix = `holdback-release-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
const prefixBefore = process.env.QUEUE_PREFIX;
let t: TestDatabase;
let team: Team;

beforeAll(async () => {
  process.env.QUEUE_PREFIX = prefix; // the processor nudges the outbox: on this file's queues
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => {
  await closeQueues();
  if (prefixBefore === undefined) delete process.env.QUEUE_PREFIX;
  else process.env.QUEUE_PREFIX = prefixBefore;
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

const INSTAPAY = { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } } as const;

async function settledClient(agreement: Record<string, unknown>) {
  const client = await aClient(t.database, team, { agreement: { ...INSTAPAY, ...agreement } });
  const debtor = await aDebtor(t.database, team);
  const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
  const p = await t.database.transaction((x) => receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
  await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '1000.00' }] }, team.collections));
  return client.id;
}

describe('the release-cycle BullMQ job', () => {
  it('releases for the clients due by cadence, reports progress, records its run, and a rerun pays nothing twice', async () => {
    const auto = await settledClient({ releaseAutoApproveUpTo: '1000.00' }); // biweekly from 2026-01-02: due 2026-01-30
    const review = await settledClient({ releaseAutoApproveUpTo: '0.00' });
    const notDue = await settledClient({ releaseAutoApproveUpTo: '1000.00', releaseSchedule: { cadence: 'monthly', anchorDate: '2026-01-15' } });

    const queue = new Queue('release-cycle', { connection, prefix });
    const events = new QueueEvents('release-cycle', { connection, prefix });
    await events.waitUntilReady();
    const worker = new Worker('release-cycle', releaseCycleProcessor(t.database), { connection, prefix });
    try {
      const seen: unknown[] = [];
      events.on('progress', ({ data }) => seen.push(data));
      const job = await queue.add('console', { reason: 'console', asOf: '2026-01-30' }, { attempts: 1 });
      expect(await job.waitUntilFinished(events, 60_000)).toMatchObject({ releases: 2, approved: 1 });
      expect(seen.at(-1)).toEqual({ done: 2, total: 2 });
      const released = await t.database.sql<{ client_id: string; amount: string; status: string; created_by: string | null }[]>`
        select client_id, amount, status, created_by from releases order by client_id`;
      expect(released).toEqual([
        { client_id: auto, amount: '70.0000', status: 'approved', created_by: null },
        { client_id: review, amount: '70.0000', status: 'pending_approval', created_by: null },
      ]);
      expect(released.map((r) => r.client_id)).not.toContain(notDue);
      const [run] = await listJobRuns(t.database, { job: 'release-cycle' });
      expect(run).toMatchObject({
        status: 'completed',
        progress: 100,
        businessDate: '2026-01-30',
        totals: expect.objectContaining({ releases: 2, approved: 1 }),
      });

      const entriesBefore = await t.database.sql<{ n: number }[]>`select count(*)::int as n from journal_entries where kind in ('release', 'payout')`;
      const rerun = await queue.add('console', { reason: 'console', asOf: '2026-01-30' }, { attempts: 1 });
      expect(await rerun.waitUntilFinished(events, 60_000)).toMatchObject({ releases: 2, approved: 1 });
      const entriesAfter = await t.database.sql<{ n: number }[]>`select count(*)::int as n from journal_entries where kind in ('release', 'payout')`;
      expect(entriesAfter[0]!.n).toBe(entriesBefore[0]!.n);
      expect((await t.database.sql<{ n: number }[]>`select count(*)::int as n from releases`)[0]!.n).toBe(2);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });

  it("with Settings → Payout bank's switch on, the job also creates the payout batch of its date; run again, nothing joins twice", async () => {
    // off by default: the first test's cycle left its approved release out of any batch
    expect((await t.database.sql<{ n: number }[]>`select count(*)::int as n from payout_batches`)[0]!.n).toBe(0);
    const withAccount = await settledClient({ releaseAutoApproveUpTo: '1000.00', releaseSchedule: { cadence: 'weekly', anchorDate: '2026-02-06' } });
    await aPayoutAccount(t.database, team, withAccount, { holderName: 'Paid by the job', routing: '011000015', account: '123454321' });
    const first = (await t.database.sql<{ client_id: string }[]>`select client_id from releases where status = 'approved' order by id limit 1`)[0]!.client_id;
    await aPayoutAccount(t.database, team, first, { holderName: 'Approved earlier', routing: '011000015', account: '987656789' });
    await expect(t.database.transaction((x) => updateBatchAfterCycle(x, { creates: 'job' }, team.underwriter))).rejects.toMatchObject({ status: 403 });
    await t.database.transaction((x) => updateBatchAfterCycle(x, { creates: 'job' }, team.admin));

    const queue = new Queue('release-cycle', { connection, prefix });
    const events = new QueueEvents('release-cycle', { connection, prefix });
    await events.waitUntilReady();
    const worker = new Worker('release-cycle', releaseCycleProcessor(t.database), { connection, prefix });
    try {
      const job = await queue.add('console', { reason: 'console', asOf: '2026-02-06' }, { attempts: 1 });
      const result = (await job.waitUntilFinished(events, 60_000)) as {
        approved: number;
        batches: { currency: string; batchId: string; releases: number; total: string }[];
      };
      expect(result.approved).toBe(1);
      // this cycle's release and the one approved on 2026-01-30, both as of the batch's date or before
      expect(result.batches).toEqual([{ currency: 'USD', batchId: expect.any(String), releases: 2, total: '140.00' }]);
      const batchId = result.batches[0]!.batchId;
      expect(
        await t.database.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from releases where batch_id = ${batchId} group by status`,
      ).toEqual([{ status: 'in_batch', n: 2 }]);
      const again = await queue.add('console', { reason: 'console', asOf: '2026-02-06' }, { attempts: 1 });
      const second = (await again.waitUntilFinished(events, 60_000)) as { batches?: unknown[] };
      // nothing waits any more: no batch is made or added to
      expect(second.batches ?? []).toEqual([]);
      expect((await t.database.sql<{ n: number }[]>`select count(*)::int as n from payout_batch_items`)[0]!.n).toBe(2);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});

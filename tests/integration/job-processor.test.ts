import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feeAccrualProcessor } from '../../jobs/processors/fee-accrual';
import { defineProcessor } from '../../jobs/processor';
import { JOB_DATA, QUEUE_NAMES, closeQueues } from '../../jobs/queues';
import { DomainError } from '../../lib/errors';
import { jobRunByQueueJobId } from '../../lib/job-runs';
import { createTestDatabase, type TestDatabase } from '../support/db';

const prefix = `holdback-processor-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await closeQueues();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

/** Runs one job on a real queue and worker; answers how it ended, how many attempts it took and its run. */
async function runJob(name: 'recourse-sweep' | 'fee-accrual', processor: ConstructorParameters<typeof Worker>[1], data: Record<string, unknown>) {
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  await events.waitUntilReady();
  const worker = new Worker(name, processor, { connection, prefix });
  try {
    const job = await queue.add('test', data, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const outcome = await job.waitUntilFinished(events, 30_000).then(
      (value: unknown) => ({ state: 'completed', value }),
      (error: Error) => ({ state: 'failed', value: error.message }),
    );
    const done = (await queue.getJob(job.id!))!;
    return { ...outcome, attempts: done.attemptsMade, run: await jobRunByQueueJobId(t.database, `${name}:${job.id}`) };
  } finally {
    await worker.close();
    await events.close();
    await queue.close();
  }
}

describe('the job processor shape (jobs/processor.ts) on a real queue', () => {
  it('a refusal fails the job at once — one attempt of three — and its run says why', async () => {
    const result = await runJob('fee-accrual', feeAccrualProcessor(t.database), { reason: 'api', asOf: '2099-01-01' });
    expect(result).toMatchObject({ state: 'failed', attempts: 1, value: expect.stringContaining('Accrual date 2099-01-01 is in the future') });
    expect(result.run).toMatchObject({ job: 'fee-accrual', status: 'failed', businessDate: null, error: expect.stringContaining('in the future') });
  });

  it('bad data fails at once too, naming the field', async () => {
    const result = await runJob('fee-accrual', feeAccrualProcessor(t.database), { reason: 'api', asOf: 'tomorrow' });
    expect(result).toMatchObject({ state: 'failed', attempts: 1, value: expect.stringContaining('Accrual date must be a real date') });
    expect(result.run).toMatchObject({ status: 'failed' });
  });

  it('an infrastructure failure is retried, continuing its own run, which ends completed with its totals', async () => {
    let calls = 0;
    const flaky = defineProcessor({
      name: QUEUE_NAMES.recourseSweep,
      data: JOB_DATA['recourse-sweep'],
      record: { businessDate: (data) => data.asOf ?? null, totals: (r: { calls: number }) => ({ calls: r.calls }) },
      run: async ({ report }) => {
        calls += 1;
        await report({ job: { calls }, percent: 50 });
        if (calls < 3) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        return { calls };
      },
    })(t.database);
    const result = await runJob('recourse-sweep', flaky, { reason: 'console', asOf: '2026-02-01' });
    expect(result).toMatchObject({ state: 'completed', attempts: 3, value: { calls: 3 } });
    expect(result.run).toMatchObject({
      job: 'recourse-sweep',
      status: 'completed',
      progress: 100,
      businessDate: '2026-02-01',
      totals: { calls: 3 },
      error: null,
    });
  });

  it('a 503 (the queue or the database busy) is retried; a 4xx refusal from the command is not', async () => {
    let busy = 0;
    const busyOnce = defineProcessor({
      name: QUEUE_NAMES.recourseSweep,
      data: JOB_DATA['recourse-sweep'],
      record: false,
      run: async () => {
        busy += 1;
        if (busy === 1) throw new DomainError('queue_unavailable', 'The job queue (Redis) is not available right now', { status: 503 });
        return { busy };
      },
    })(t.database);
    expect(await runJob('recourse-sweep', busyOnce, { reason: 'console' })).toMatchObject({ state: 'completed', attempts: 2 });
    const refusing = defineProcessor({
      name: QUEUE_NAMES.recourseSweep,
      data: JOB_DATA['recourse-sweep'],
      record: { businessDate: () => '2026-02-02' },
      run: async () => Promise.reject(new DomainError('nothing_releasable', 'There is no reserve in this currency to release', { status: 422 })),
    })(t.database);
    const refused = await runJob('recourse-sweep', refusing, { reason: 'console' });
    expect(refused).toMatchObject({ state: 'failed', attempts: 1, value: 'There is no reserve in this currency to release' });
    expect(refused.run).toMatchObject({ status: 'failed', businessDate: '2026-02-02', error: 'There is no reserve in this currency to release' });
  });
});

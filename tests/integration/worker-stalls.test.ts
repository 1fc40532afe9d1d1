import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { aClient, aDebtor, aFundedInvoice, aTeam } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ROOT } from '../support/run';

/**
 * Regressions (chaos run, issue 11): BullMQ's default maxStalledCount (1) failed a job for good
 * the second time its worker died — the fee accrual, release cycle and statements jobs resume
 * after a crash, but were never retried again. jobs/worker.ts now allows WORKER_MAX_STALLED
 * stalls (default 5) for them: here the worker running one accrual job is killed three times and
 * the fourth finishes it, exactly once. And a job given up all the same (more stalls than
 * allowed) no longer leaves its run `running` for ever: the worker marks it failed, saying why.
 */
const prefix = `holdback-stalls-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
let t: TestDatabase;
const children: ChildProcess[] = [];

function startWorker(maxStalled = ''): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      QUEUE_PREFIX: prefix,
      FEE_ACCRUAL_CHUNK: '1',
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_MS: '1000',
      WORKER_MAX_STALLED: maxStalled, // '': unset, the default
      WORKER_SCHEDULES: 'false',
      ACCRUAL_ON_START: 'false',
      MAIL_DIR: path.join(ROOT, '.data', 'test-mail'),
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

/** Kills the worker running job `id` `kills` times, each once it has committed another chunk (unless the job is over), restarting it each time. */
async function killWhileRunning(queue: Queue, id: string, kills: number, maxStalled = ''): Promise<void> {
  const over = async () => ['completed', 'failed'].includes((await (await queue.getJob(id))?.getState()) ?? '');
  // only this test's workers (an earlier one's would check stalls with its own limit)
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  let worker = startWorker(maxStalled);
  const accruals = async () => (await t.database.sql<{ n: number }[]>`select count(*)::int as n from journal_entries where kind = 'accrual'`)[0]!.n;
  for (let kill = 1; kill <= kills && !(await over()); kill += 1) {
    // this worker runs the job (BullMQ's processedBy is the worker's name, host:pid) …
    let committed = 0;
    for (;;) {
      const job = await queue.getJob(id);
      if (job?.processedBy === `${hostname()}:${worker.pid}` && (await job.getState()) === 'active') {
        committed = await accruals();
        break;
      }
      if (await over()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    // … and has committed another chunk since
    while ((await accruals()) <= committed) {
      if (await over()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    worker = startWorker(maxStalled);
  }
}

async function waitUntilOver(queue: Queue, id: string): Promise<string> {
  let state = '';
  for (let i = 0; i < 1200 && state !== 'completed' && state !== 'failed'; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    state = (await (await queue.getJob(id))?.getState()) ?? '';
  }
  return state;
}

describe('a job whose worker dies more than once', () => {
  it('is taken up again after each death (up to WORKER_MAX_STALLED, default 5) and finishes exactly once', { timeout: 300_000 }, async () => {
    const team = await aTeam(t.database);
    const debtor = await aDebtor(t.database, team);
    for (let i = 0; i < 6; i += 1) {
      const client = await aClient(t.database, team, { agreement: { fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } });
      await aFundedInvoice(t.database, team, { client, debtor, faceValue: `${10000 + i * 1000}.00`, fundingDate: '2026-01-01' });
    }
    const queue = new Queue('fee-accrual', { connection, prefix });
    try {
      const job = await queue.add('stalls', { reason: 'api', asOf: '2026-02-15' }, { attempts: 1 });
      await killWhileRunning(queue, job.id!, 3);
      const state = await waitUntilOver(queue, job.id!);
      const finished = (await queue.getJob(job.id!))!;
      expect({ state, failedReason: finished.failedReason ?? null }).toEqual({ state: 'completed', failedReason: null });
      expect(finished.stalledCounter).toBe(3);
    } finally {
      await queue.close();
    }
    // exactly once: one accrual line per invoice and day, and a ledger that proves itself
    const [dupes] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from (select l.invoice_id, l.effective_date from journal_lines l join journal_entries e on e.id = l.entry_id
        where e.kind = 'accrual' and l.invoice_id is not null group by 1, 2 having count(*) > 1) x`;
    expect(dupes!.n).toBe(0);
    const [days] = await t.database.sql<{ n: number }[]>`
      select count(distinct effective_date)::int as n from journal_entries where kind = 'accrual'`;
    expect(days!.n).toBe(45); // 2026-01-02 .. 2026-02-15
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
  });

  it(
    'given up by BullMQ after more stalls than allowed, its run says so (not `running` for ever), and the job run again finishes the rest once',
    { timeout: 300_000 },
    async () => {
      const queue = new Queue('fee-accrual', { connection, prefix });
      try {
        const job = await queue.add('stalls', { reason: 'api', asOf: '2026-03-31' }, { attempts: 1 });
        await killWhileRunning(queue, job.id!, 2, '1'); // BullMQ's own default: one stall allowed
        expect(await waitUntilOver(queue, job.id!)).toBe('failed');
        expect((await queue.getJob(job.id!))!.failedReason).toBe('job stalled more than allowable limit');
        // the worker that gave it up marks its run (just after BullMQ's 'failed')
        let run: { status: string; error: string | null } | undefined;
        for (let i = 0; i < 100 && run?.status !== 'failed'; i += 1) {
          [run] = await t.database.sql<
            { status: string; error: string | null }[]
          >`select status, error from job_runs where queue_job_id = ${`fee-accrual:${job.id}`}`;
          if (run?.status !== 'failed') await new Promise((r) => setTimeout(r, 100));
        }
        expect(run).toEqual({ status: 'failed', error: 'The job was given up: job stalled more than allowable limit' });

        // as the scheduler or an operator would: the job again, which finishes what is left
        const again = await queue.add('stalls', { reason: 'api', asOf: '2026-03-31' }, { attempts: 1 });
        expect(await waitUntilOver(queue, again.id!)).toBe('completed');
      } finally {
        await queue.close();
      }
      const [dupes] = await t.database.sql<{ n: number }[]>`
      select count(*)::int as n from (select l.invoice_id, l.effective_date from journal_lines l join journal_entries e on e.id = l.entry_id
        where e.kind = 'accrual' and l.invoice_id is not null group by 1, 2 having count(*) > 1) x`;
      expect(dupes!.n).toBe(0);
      const [days] = await t.database.sql<{ n: number }[]>`select count(distinct effective_date)::int as n from journal_entries where kind = 'accrual'`;
      expect(days!.n).toBe(89); // 2026-01-02 .. 2026-03-31
      expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
    },
  );
});

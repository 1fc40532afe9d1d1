import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../../lib/audit/verify';
import { systemActor } from '../../lib/auth/actor';
import { getInvoice } from '../../lib/invoices';
import { Big, formatMoney } from '../../lib/money';
import { aClient, aDebtor, aFundedInvoice, aTeam } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ROOT } from '../support/run';

const prefix = `holdback-crash-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
let t: TestDatabase;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs', 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      QUEUE_PREFIX: prefix,
      FEE_ACCRUAL_CHUNK: '1', // one client per transaction: many commits to kill in between
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_MS: '1000',
      ACCRUAL_ON_START: 'false',
      MAIL_DIR: path.join(ROOT, '.data', 'test-mail'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await t?.drop();
});

describe('a worker killed in the middle of an accrual run', () => {
  it('leaves the retry to finish the run, posting each invoice once per day', async () => {
    const team = await aTeam(t.database);
    const debtor = await aDebtor(t.database, team);
    const invoices = [];
    for (let i = 0; i < 8; i += 1) {
      const client = await aClient(t.database, team, { agreement: { fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } });
      invoices.push(await aFundedInvoice(t.database, team, { client, debtor, faceValue: `${10000 + i * 1000}.00`, fundingDate: '2026-01-01' }));
    }
    const queue = new Queue('fee-accrual', { connection, prefix });
    const first = startWorker();
    const job = await queue.add('crash-test', { reason: 'api', asOf: '2026-02-28' }, { attempts: 3, backoff: { type: 'fixed', delay: 500 } });
    // wait until the run is well under way, then kill the worker without warning
    for (;;) {
      const progress = ((await queue.getJob(job.id!))?.progress ?? {}) as { percent?: number };
      if ((progress.percent ?? 0) >= 25) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const [partial] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from journal_entries where kind = 'accrual'`;
    expect(partial!.n).toBeGreaterThan(0);
    expect(partial!.n).toBeLessThan(8 * 58);

    startWorker();
    for (let i = 0; ; i += 1) {
      const state = await (await queue.getJob(job.id!))?.getState();
      if (state === 'completed') break;
      if (state === 'failed' || i > 2400) throw new Error(`the retried job did not complete (state ${state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await queue.close();

    // exactly once: one accrual detail row per invoice and day, one accrual entry per client and day, and the fee to date exact
    const [dupes] = await t.database.sql<{ n: number; rows: number; entries: number }[]>`
      select (select count(*)::int from (select invoice_id, effective_date from fee_accrual_lines group by 1, 2 having count(*) > 1) x) as n,
             (select count(*)::int from fee_accrual_lines) as rows,
             (select count(*)::int from (select client_id, effective_date from journal_entries where kind = 'accrual' group by 1, 2 having count(*) > 1) y) as entries`;
    expect(dupes).toEqual({ n: 0, rows: 8 * 58, entries: 0 });
    for (const [i, inv] of invoices.entries()) {
      const view = await getInvoice(t.database, Number(inv.id), systemActor('test'));
      const expected = new Big(10000 + i * 1000).times(58).times('0.12').div(360);
      expect(view.feesAccrued).toBe(formatMoney(expected, 'USD'));
    }
    const [run] = await t.database.sql<
      { status: string; progress: number }[]
    >`select status, progress from job_runs where job = 'fee-accrual' and queue_job_id = ${`fee-accrual:${job.id!}`}`;
    expect(run).toEqual({ status: 'completed', progress: 100 });
    expect((await verifyAll(t.database.sql)).breaks).toEqual([]);
    // 464 one-client transactions, a kill and a stalled-job retry: minutes on a busy 2-core CI box, never a speed test.
  }, 300_000);
});

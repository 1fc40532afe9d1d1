import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementsProcessor } from '../../jobs/processors/statements';
import { closeQueues } from '../../jobs/queues';
import { systemActor } from '../../lib/auth/actor';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { listJobRuns } from '../../lib/job-runs';
import { balancesAsOf } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { runStatements, type Statement } from '../../lib/statements';
import { renderStatementPdf } from '../../lib/statements/render';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

const prefix = `holdback-statements-${randomBytes(4).toString('hex')}`;
const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
let t: TestDatabase;
let team: Team;
const clientIds: string[] = [];

const prefixBefore = process.env.QUEUE_PREFIX;

beforeAll(async () => {
  // The processor nudges the email outbox: on this file's own queues, not the real ones.
  process.env.QUEUE_PREFIX = prefix;
  t = await createTestDatabase();
  team = await aTeam(t.database);
  const debtor = await aDebtor(t.database, team);
  // Five clients with reserve activity in January 2026; the fourth also has a payment.
  for (let i = 0; i < 5; i += 1) {
    const client = await aClient(t.database, team, { name: `Batch Client ${i + 1}` });
    await t.database.sql`update clients set contacts = ${JSON.stringify([{ name: 'Accounts', email: `ap${i}@batch.test` }])}::jsonb where id = ${client.id}`;
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: `${(i + 1) * 1000}.00`, fundingDate: '2026-01-05' });
    if (i === 3) {
      const p = await t.database.transaction((x) => receivePayment(x, { amount: '4000.00', currency: 'USD', receivedDate: '2026-01-25' }, team.collections));
      await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: invoice.id, amount: '4000.00' }] }, team.collections));
    }
    clientIds.push(client.id);
  }
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

const JANUARY = { from: '2026-01-01', to: '2026-01-31' };
const by = systemActor('job:statements');

/** A renderer that fails for one client, as a bug or bad data would. */
const failingFor =
  (name: string) =>
  async (statement: Statement): Promise<Buffer> => {
    if (statement.client.name === name) throw new Error(`cannot render ${name}`);
    return renderStatementPdf(statement);
  };

describe('the statements run', () => {
  it('a failure on one client is recorded and the others are issued; a rerun issues only what is missing', async () => {
    const progress: [number, number][] = [];
    const first = await runStatements(t.database, { ...JANUARY, clientIds }, by, {
      chunkSize: 2,
      concurrency: 2,
      render: failingFor('Batch Client 2'),
      onProgress: (done, total) => void progress.push([done, total]),
    });
    expect(first).toMatchObject({ from: '2026-01-01', to: '2026-01-31', clients: 5, issued: 4, skipped: 0, emailed: 4 });
    expect(first.failed).toEqual([{ clientId: clientIds[1], error: 'cannot render Batch Client 2' }]);
    expect(progress[0]).toEqual([0, 5]);
    expect(progress.at(-1)).toEqual([5, 5]);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));

    // Every stored statement ties to the ledger.
    const stored = await t.database.sql<{ client_id: string; currencies: string[]; closing_balances: string[] }[]>`
      select client_id, currencies, closing_balances from statements where period_from = '2026-01-01' and period_to = '2026-01-31' order by client_id`;
    expect(stored.map((s) => s.client_id)).toEqual(clientIds.filter((_, i) => i !== 1));
    for (const s of stored) {
      const [reserve] = await balancesAsOf(t.database, { asOf: '2026-01-31', clientId: Number(s.client_id), accounts: ['reserve'] });
      expect(formatMoney(reserve!.balance, 'USD')).toBe(formatMoney(new Big(s.closing_balances[0]!), 'USD'));
    }

    const second = await runStatements(t.database, { ...JANUARY, clientIds }, by, { chunkSize: 2 });
    expect(second).toMatchObject({ clients: 5, issued: 1, skipped: 4, failed: [], emailed: 1 });
    const third = await runStatements(t.database, { ...JANUARY, clientIds }, by);
    expect(third).toMatchObject({ clients: 5, issued: 0, skipped: 5, failed: [], emailed: 0 });
    const [{ n }] = (await t.database.sql`select count(*)::int as n from email_outbox where template = 'statement_ready'`) as unknown as [{ n: number }];
    expect(n).toBe(5);
  });

  it('without client ids it covers every client with reserve activity; an unknown id is refused', async () => {
    const december = await runStatements(t.database, { from: '2025-12-01', to: '2025-12-31' }, by);
    expect(december).toMatchObject({ clients: 0, issued: 0 });
    const february = await runStatements(t.database, { from: '2026-02-01', to: '2026-02-28' }, by);
    // every client still holds reserve at the start of February
    expect(february).toMatchObject({ clients: 5, issued: 5, failed: [] });
    await expect(runStatements(t.database, { ...JANUARY, clientIds: ['999999'] }, by)).rejects.toMatchObject({ status: 404 });
    await expect(runStatements(t.database, { from: '2026-01-01' }, by)).rejects.toMatchObject({ status: 400 });
  });

  it('the BullMQ job reports progress, records its run and its failures, and a rerun skips what is stored', async () => {
    const queue = new Queue('statements', { connection, prefix });
    const events = new QueueEvents('statements', { connection, prefix });
    await events.waitUntilReady();
    const worker = new Worker('statements', statementsProcessor(t.database, { chunkSize: 2, concurrency: 2, render: failingFor('Batch Client 5') }), {
      connection,
      prefix,
    });
    try {
      const period = { from: '2026-03-01', to: '2026-03-31' };
      const seen: unknown[] = [];
      events.on('progress', ({ data }) => seen.push(data));
      const job = await queue.add('console', { reason: 'console', ...period, clientIds }, { attempts: 1 });
      const result = (await job.waitUntilFinished(events, 60_000)) as { issued: number; failedCount: number; failed: { clientId: string }[] };
      expect(result).toMatchObject({ issued: 4, failedCount: 1, failed: [{ clientId: clientIds[4] }] });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toMatchObject({ done: 5, total: 5, percent: 100 });
      const [run] = await listJobRuns(t.database, { job: 'statements' });
      expect(run).toMatchObject({
        status: 'completed',
        progress: 100,
        businessDate: '2026-03-31',
        totals: expect.objectContaining({ issued: 4, failedCount: 1 }),
      });
      const [{ linked }] = (await t.database.sql`select count(*)::int as linked from statements where job_run_id = ${run!.id}`) as unknown as [
        { linked: number },
      ];
      expect(linked).toBe(4);

      const rerun = await queue.add('console', { reason: 'console', ...period }, { attempts: 1 });
      expect(await rerun.waitUntilFinished(events, 60_000)).toMatchObject({ clients: 5, issued: 0, skipped: 4, failedCount: 1 });

      // The schedule runs on the first business day of a month only; other days it does nothing.
      const scheduled = await queue.add('statements-monthly', { reason: 'schedule' }, { attempts: 1 });
      const outcome = (await scheduled.waitUntilFinished(events, 60_000)) as { skipped?: string; from?: string };
      const { isFirstBusinessDayOfMonth } = await import('../../lib/statements');
      const { todayIn } = await import('../../lib/dates');
      if (isFirstBusinessDayOfMonth(todayIn())) expect(outcome.from).toBeDefined();
      else expect(outcome.skipped).toMatch(/is not the first business day of its month/);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase, createDatabase, getDatabase, sessionLimits } from '../../db/client';
import { feeAccrualProcessor } from '../../jobs/processors/fee-accrual';
import { QUEUE_NAMES, closeQueues, enqueue, redisConnection } from '../../jobs/queues';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { checkHealth, closeHealthChecks } from '../../lib/health';
import { apiRoute } from '../../lib/http/api';
import { runAction } from '../../lib/http/action';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 11 at the API's edge: bad input is a 4xx of API.md's shape, never a 500; a route that
 * manages its own transactions holds no connection, so parallel requests cannot starve the pool;
 * a database or Redis that is down is a quick 503 that names no host; health does not queue
 * behind the request pool.
 */

const prefix = `holdback-edges-${randomBytes(4).toString('hex')}`;
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let t: TestDatabase;
let team: Team;
const keys: Partial<Record<keyof Team, string>> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  for (const role of ['underwriter', 'funding', 'controller', 'admin', 'collections'] as const) {
    const actor = team[role];
    keys[role] = (await t.database.transaction((tx) => createApiKey(tx, actor.userId!, 'test', actor))).key;
  }
  // The route handlers use the process-wide pool (the web's limits): point it at this file's database.
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.url);
  setEnv('QUEUE_PREFIX', prefix);
  setEnv('DB_LOCK_TIMEOUT_MS', '500');
  setEnv('TRUST_PROXY', undefined);
  await closeDatabase();
});
afterAll(async () => {
  await closeDatabase();
  await closeQueues();
  await closeHealthChecks();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const redis = new Redis('redis://127.0.0.1:6379');
  const found = await redis.keys(`${prefix}:*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
  await t?.drop();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(
  handler: Handler,
  method: string,
  path: string,
  key: string,
  options: { body?: string; headers?: Record<string, string>; params?: Record<string, string> } = {},
) {
  const res = await handler(
    new Request(`http://holdback.test${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(options.headers ?? {}) },
      body: options.body,
    }),
    { params: Promise.resolve(options.params ?? {}) },
  );
  const text = await res.text();
  let body = text as unknown as Answer;
  try {
    body = JSON.parse(text) as Answer;
  } catch {
    /* a raw body */
  }
  return { status: res.status, body, headers: res.headers };
}

/** An answer as these tests read it: API.md's error, or the fields of a success. */
interface Answer {
  error: { code: string; message: string; details: Record<string, unknown> };
  id: string;
  jobId: string;
  [field: string]: unknown;
}

const routes = {
  clients: () => import('../../app/api/v1/clients/route') as unknown as Promise<{ POST: Handler }>,
  debtors: () => import('../../app/api/v1/debtors/route') as unknown as Promise<{ POST: Handler }>,
  invoices: () => import('../../app/api/v1/invoices/route') as unknown as Promise<{ POST: Handler }>,
  verify: () => import('../../app/api/v1/invoices/[id]/verify/route') as unknown as Promise<{ POST: Handler }>,
  cycles: () => import('../../app/api/v1/release-cycles/route') as unknown as Promise<{ POST: Handler }>,
  accruals: () => import('../../app/api/v1/accruals/route') as unknown as Promise<{ POST: Handler }>,
  statementRuns: () => import('../../app/api/v1/statement-runs/route') as unknown as Promise<{ POST: Handler }>,
  jobs: () => import('../../app/api/v1/jobs/[id]/route') as unknown as Promise<{ GET: Handler }>,
  paymentsImport: () => import('../../app/api/v1/payments/import/route') as unknown as Promise<{ POST: Handler }>,
};

function expectErrorShape(body: unknown, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
}

describe('bad input is a 400 of API.md’s shape, never a 500', () => {
  it('JSON nested 10,000 levels deep with an Idempotency-Key → 400 too_deeply_nested', async () => {
    const { POST } = await routes.clients();
    const deep = '{"name":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const res = await call(POST, 'POST', '/api/v1/clients', keys.underwriter!, { body: deep, headers: { 'idempotency-key': 'deep-1' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'too_deeply_nested');
  });

  it('a NUL byte or a lone surrogate → 400 naming the field; nothing is stored', async () => {
    const { POST } = await routes.debtors();
    const nul = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, { body: '{"name":"Nul\\u0000 Inc","creditLimit":"1000.00"}' });
    expect(nul.status).toBe(400);
    expectErrorShape(nul.body, 'invalid_characters');
    expect(nul.body.error.details).toHaveProperty('name');
    const lone = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, { body: '{"name":"Half \\ud83d pair","creditLimit":"1000.00"}' });
    expect(lone.status).toBe(400);
    expect(lone.body.error.details).toHaveProperty('name');
    const { n } = (await t.database.sql<{ n: number }[]>`select count(*)::int as n from debtors where name like 'Nul%' or name like 'Half%'`)[0]!;
    expect(n).toBe(0);
  });

  it('a number too large for its column → 400 (number_out_of_range or the field’s own check), not 500', async () => {
    const { POST } = await routes.debtors();
    const res = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, {
      body: JSON.stringify({ name: `Huge ${randomBytes(3).toString('hex')}`, creditLimit: '9'.repeat(30) + '.00' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: expect.stringMatching(/^(number_out_of_range|invalid_input|too_large)$/), message: expect.any(String) });
    expect(res.body.error.details).toEqual({ creditLimit: 'Credit limit is too large: at most 15 digits before the decimal point' });
  });

  it('a body over the JSON limit → 413 payload_too_large with the limit; an import over its row cap → 413 too_many_rows', async () => {
    setEnv('MAX_JSON_BODY', '1kb');
    try {
      const { POST } = await routes.debtors();
      const res = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, { body: JSON.stringify({ name: 'x'.repeat(2000), creditLimit: '1.00' }) });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining('1 KB'), details: { limit: 1024 } } });
    } finally {
      setEnv('MAX_JSON_BODY', undefined);
    }
    setEnv('IMPORT_MAX_ROWS', '5');
    try {
      const { POST } = await routes.paymentsImport();
      const lines = ['date,amount,currency,payer,reference', ...Array.from({ length: 9 }, (_, i) => `2026-01-0${i + 1},10.00,USD,Payer ${i},REF-${i}`)].join(
        '\n',
      );
      const res = await call(POST, 'POST', '/api/v1/payments/import', keys.collections!, { body: lines, headers: { 'content-type': 'text/csv' } });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: { code: 'too_many_rows', message: expect.stringContaining('5 lines'), details: { limit: 5, unit: 'lines' } } });
      const { n } = (await t.database.sql<{ n: number }[]>`select count(*)::int as n from payments where reference like 'REF-%'`)[0]!;
      expect(n).toBe(0);
    } finally {
      setEnv('IMPORT_MAX_ROWS', undefined);
    }
  });

  it('a NUL byte in an imported file → 400 naming its line', async () => {
    const { POST } = await routes.paymentsImport();
    const res = await call(POST, 'POST', '/api/v1/payments/import', keys.collections!, {
      body: 'date,amount,currency,payer,reference\n2026-01-02,1.00,USD,A\u0000B,R-1\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_characters', details: { line: 2 } });
  });
});

describe('what the audit log keeps of a request', () => {
  it('an 8,000-character X-Request-Id is replaced by a UUID; a short plain one is kept; the address is the last X-Forwarded-For entry (TRUST_PROXY unset)', async () => {
    const { POST } = await routes.debtors();
    const long = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, {
      body: JSON.stringify({ name: `Long Id ${randomBytes(3).toString('hex')}`, creditLimit: '10.00' }),
      headers: { 'x-request-id': 'r'.repeat(8000), 'x-forwarded-for': '6.6.6.6, 198.51.100.7' },
    });
    expect(long.status).toBe(201);
    const uuid = long.headers.get('x-request-id')!;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const [event] = await t.database.sql<
      { request_id: string; ip: string | null }[]
    >`select request_id, ip from audit_events where action = 'debtor.create' and target_id = ${long.body.id}`;
    expect(event).toEqual({ request_id: uuid, ip: '198.51.100.7' });

    const short = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, {
      body: JSON.stringify({ name: `Short Id ${randomBytes(3).toString('hex')}`, creditLimit: '10.00' }),
      headers: { 'x-request-id': 'trace-123' },
    });
    const [kept] = await t.database.sql<
      { request_id: string }[]
    >`select request_id from audit_events where action = 'debtor.create' and target_id = ${short.body.id}`;
    expect(kept!.request_id).toBe('trace-123');
  });
});

describe('the pool: one connection per request', () => {
  it('sets the web limits on every connection of the request pool, and none for batch work', async () => {
    const web = createDatabase(t.url, { max: 1, limits: sessionLimits('web', {}) });
    const batch = createDatabase(t.url, { max: 1, limits: sessionLimits('batch', {}) });
    try {
      const [w] = await web.sql<
        { s: string; l: string; i: string }[]
      >`select current_setting('statement_timeout') as s, current_setting('lock_timeout') as l, current_setting('idle_in_transaction_session_timeout') as i`;
      expect(w).toEqual({ s: '30s', l: '10s', i: '1min' });
      const [b] = await batch.sql<{ s: string; l: string }[]>`select current_setting('statement_timeout') as s, current_setting('lock_timeout') as l`;
      expect(b).toEqual({ s: '0', l: '0' });
      expect(sessionLimits('web', { DB_STATEMENT_TIMEOUT_MS: '5000' }).statementTimeoutMs).toBe(5000);
      // a statement over the limit is stopped, and the caller is told 503 timeout
      const short = createDatabase(t.url, { max: 1, limits: { statementTimeoutMs: 50, lockTimeoutMs: 0, idleInTransactionTimeoutMs: 0 } });
      const error = await short.sql`select pg_sleep(5)`.then(
        () => null,
        (e: unknown) => e,
      );
      await short.close();
      expect((error as { code?: string }).code).toBe('57014');
      const { publicError } = await import('../../lib/http/errors');
      expect(publicError(error)).toMatchObject({ status: 503, code: 'timeout' });
    } finally {
      await web.close();
      await batch.close();
    }
  });

  it('twelve parallel POST /release-cycles (more than the pool’s ten connections) all answer, none 500', async () => {
    const INSTAPAY = {
      advanceRate: '0.90',
      reserveRate: '0.10',
      fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
      releaseAutoApproveUpTo: '1000.00',
    } as const;
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const client = await aClient(t.database, team, { agreement: INSTAPAY as never });
      const debtor = await aDebtor(t.database, team);
      const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
      const p = await t.database.transaction((x) => receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
      await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '1000.00' }] }, team.collections));
      ids.push(client.id);
    }
    const { POST } = await routes.cycles();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(POST, 'POST', '/api/v1/release-cycles', keys.controller!, {
          body: JSON.stringify({ asOf: '2026-01-30', clientIds: ids }),
          headers: i % 2 === 0 ? { 'idempotency-key': `cycle-${i}` } : {},
        }),
      ),
    );
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    // paid once per client, whatever the race
    const { n } = (
      await t.database.sql<{ n: number }[]>`select count(*)::int as n from releases where client_id = any(${ids}::bigint[]) and status = 'approved'`
    )[0]!;
    expect(n).toBe(3);
    // the same key again replays the stored answer (or, had it failed, may run again)
    const first = answers[0]!;
    if (first.status === 201) {
      const again = await call(POST, 'POST', '/api/v1/release-cycles', keys.controller!, {
        body: JSON.stringify({ asOf: '2026-01-30', clientIds: ids }),
        headers: { 'idempotency-key': 'cycle-0' },
      });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    }
  });

  it('health answers ok while every connection of the request pool is taken', async () => {
    const pool = getDatabase();
    let inside = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const allIn = new Promise<void>((resolve) => {
      const holders = Array.from({ length: 10 }, () =>
        pool.transaction(async (tx) => {
          await tx.sql`select 1`;
          inside += 1;
          if (inside === 10) resolve();
          await gate;
        }),
      );
      void Promise.all(holders);
    });
    await allIn;
    try {
      expect(await checkHealth({ databaseUrl: t.url, redisUrl: 'redis://127.0.0.1:6379' })).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
    } finally {
      release();
    }
  });
});

describe('Idempotency-Key of a route without a transaction (transaction: false)', () => {
  it('claims the key while running (a replay is 409 request_in_progress), stores the answer, frees the key on failure, and takes over a stale claim', async () => {
    let finish!: () => void;
    const running = new Promise<void>((r) => (finish = r));
    let runs = 0;
    let fail = false;
    const route = apiRoute(
      'release.run_cycle',
      async ({ body }) => {
        runs += 1;
        if (fail) throw Object.assign(new Error('boom'), { code: 'ECONNREFUSED' });
        await running;
        return { status: 201, body: { echoed: body } };
      },
      { transaction: false },
    ) as unknown as Handler;
    const send = (key: string, body = '{"a":1}') => call(route, 'POST', '/api/v1/test-route', keys.controller!, { body, headers: { 'idempotency-key': key } });

    const first = send('k-1');
    await vi.waitFor(() => expect(runs).toBe(1));
    const twin = await send('k-1');
    expect(twin.status).toBe(409);
    expectErrorShape(twin.body, 'request_in_progress');
    const other = await send('k-1', '{"a":2}');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    finish();
    expect(await first).toMatchObject({ status: 201, body: { echoed: { a: 1 } } });
    const replay = await send('k-1');
    expect(replay).toMatchObject({ status: 201, body: { echoed: { a: 1 } } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toBe(1);

    // a failure frees the key: the caller may try again
    fail = true;
    const failed = await send('k-2');
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('database_unavailable');
    fail = false;
    expect((await send('k-2')).status).toBe(201);
    expect(runs).toBe(3);

    // a claim left by a crashed process 20 minutes ago is taken over; a fresh one is not
    const userId = team.controller.userId!;
    const hashOf = async (k: string) =>
      (await t.database.sql<{ request_hash: string }[]>`select request_hash from api_idempotency where user_id = ${userId} and key = ${k}`)[0]!.request_hash;
    const hash = await hashOf('k-1');
    await t.database
      .sql`insert into api_idempotency (user_id, key, route, request_hash, status, body, created_at) values (${userId}, 'k-stale', 'POST /api/v1/test-route', ${hash}, 0, '{}'::jsonb, now() - interval '20 minutes')`;
    await t.database
      .sql`insert into api_idempotency (user_id, key, route, request_hash, status, body) values (${userId}, 'k-fresh', 'POST /api/v1/test-route', ${hash}, 0, '{}'::jsonb)`;
    expect((await send('k-stale')).status).toBe(201);
    expect((await send('k-fresh')).status).toBe(409);
    const [stored] = await t.database.sql<{ status: number }[]>`select status from api_idempotency where user_id = ${userId} and key = 'k-stale'`;
    expect(stored!.status).toBe(201);
  });
});

describe('locks, timeouts and outages', () => {
  it('a lock held longer than lock_timeout → 409 locked, not a wait without end', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await anInvoice(t.database, team, { client, debtor });
    const { POST } = await routes.verify();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.database.transaction(async (tx) => {
      await tx.sql`select id from invoices where id = ${invoice.id} for update`;
      locked();
      await gate;
    });
    await isLocked;
    try {
      const res = await call(POST, 'POST', `/api/v1/invoices/${invoice.id}/verify`, keys.funding!, { body: '{}', params: { id: invoice.id } });
      expect(res.status).toBe(409);
      expectErrorShape(res.body, 'locked');
    } finally {
      release();
      await holder;
    }
  });

  it('Redis down → POST /statement-runs and POST /accruals answer 503 queue_unavailable within seconds', async () => {
    await closeQueues();
    setEnv('REDIS_URL', 'redis://127.0.0.1:1');
    setEnv('QUEUE_TIMEOUT_MS', '500');
    try {
      const runs = await (await routes.statementRuns()).POST;
      const res = await call(runs, 'POST', '/api/v1/statement-runs', keys.controller!, {
        body: JSON.stringify({ from: '2026-01-01', to: '2026-01-31' }),
        headers: { 'idempotency-key': 'runs-down' },
      });
      expect(res.status).toBe(503);
      expectErrorShape(res.body, 'queue_unavailable');
      // the key is free again: the same request may be retried once Redis is back
      const { n } = (await t.database.sql<{ n: number }[]>`select count(*)::int as n from api_idempotency where key = 'runs-down'`)[0]!;
      expect(n).toBe(0);
      const accruals = (await routes.accruals()).POST;
      const acc = await call(accruals, 'POST', '/api/v1/accruals', keys.controller!, { body: JSON.stringify({ asOf: '2026-01-31' }) });
      expect(acc.status).toBe(503);
      expect(acc.body.error.code).toBe('queue_unavailable');
      // a server action says so in its message
      const state = await runAction(async () => {
        await enqueue(QUEUE_NAMES.feeAccrual, 'console', { reason: 'console', asOf: '2026-01-31' });
        return { ok: true, message: 'queued' };
      });
      expect(state).toMatchObject({ ok: false, message: expect.stringContaining('Redis') });
    } finally {
      await closeQueues();
      setEnv('REDIS_URL', undefined);
      setEnv('QUEUE_TIMEOUT_MS', undefined);
    }
  });

  it('POST /accruals: 202 with a job to poll when no worker finishes in time; 200 with API.md’s answer when one does; GET /jobs/{id} follows it', async () => {
    const accruals = (await routes.accruals()).POST;
    const jobs = (await routes.jobs()).GET;
    setEnv('ACCRUAL_WAIT_MS', '300');
    let jobId: string;
    try {
      const res = await call(accruals, 'POST', '/api/v1/accruals', keys.controller!, { body: JSON.stringify({ asOf: '2026-01-31' }) });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ jobId: expect.stringMatching(/^fee-accrual:\d+$/), status: 'running', poll: `/api/v1/jobs/${res.body.jobId}` });
      jobId = res.body.jobId;
    } finally {
      setEnv('ACCRUAL_WAIT_MS', undefined);
    }
    const waiting = await call(jobs, 'GET', `/api/v1/jobs/${jobId}`, keys.funding!, { params: { id: jobId } });
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({ jobId, queue: 'fee-accrual', status: 'waiting', progress: 0, result: null, run: null });

    // a worker picks it (and the next) up
    const worker = new Worker(QUEUE_NAMES.feeAccrual, feeAccrualProcessor(t.database), { connection: redisConnection(), prefix });
    try {
      setEnv('ACCRUAL_WAIT_MS', '60000');
      const done = await call(accruals, 'POST', '/api/v1/accruals', keys.controller!, { body: JSON.stringify({ asOf: '2026-01-31' }) });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ asOf: '2026-01-31', invoices: expect.any(Number), posted: expect.stringMatching(/^\d+\.\d{2}$/) });
      await vi.waitFor(
        async () => {
          const polled = await call(jobs, 'GET', `/api/v1/jobs/${jobId}`, keys.funding!, { params: { id: jobId } });
          expect(polled.body).toMatchObject({
            jobId,
            status: 'completed',
            progress: 100,
            result: { asOf: '2026-01-31' },
            run: { job: 'fee-accrual', status: 'completed' },
          });
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      setEnv('ACCRUAL_WAIT_MS', undefined);
      await worker.close();
    }
    const unknown = await call(jobs, 'GET', '/api/v1/jobs/fee-accrual:999999', keys.funding!, { params: { id: 'fee-accrual:999999' } });
    expect(unknown.status).toBe(404);
    const malformed = await call(jobs, 'GET', '/api/v1/jobs/whatever', keys.funding!, { params: { id: 'whatever' } });
    expect(malformed.status).toBe(404);
  }, 120_000);

  it('POST /statement-runs answers 202 with a qualified job id to poll', async () => {
    const runs = (await routes.statementRuns()).POST;
    const res = await call(runs, 'POST', '/api/v1/statement-runs', keys.controller!, { body: JSON.stringify({ from: '2026-01-01', to: '2026-01-31' }) });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      jobId: expect.stringMatching(/^statements:\d+$/),
      poll: `/api/v1/jobs/${res.body.jobId}`,
      from: '2026-01-01',
      to: '2026-01-31',
    });
  });

  it('the database down → 503 database_unavailable naming no host or connection string (API and server actions)', async () => {
    await closeDatabase();
    setEnv('DATABASE_URL', 'postgres://holdback:s3cret@127.0.0.1:1/holdback_nowhere');
    setEnv('APP_DATABASE_URL', 'postgres://holdback:s3cret@127.0.0.1:1/holdback_nowhere');
    try {
      const { POST } = await routes.debtors();
      const res = await call(POST, 'POST', '/api/v1/debtors', keys.underwriter!, { body: JSON.stringify({ name: 'Down', creditLimit: '1.00' }) });
      expect(res.status).toBe(503);
      expectErrorShape(res.body, 'database_unavailable');
      const text = JSON.stringify(res.body);
      for (const secret of ['127.0.0.1', 's3cret', 'holdback_nowhere', 'ECONNREFUSED', 'postgres://']) expect(text).not.toContain(secret);
      const state = await runAction(async () => {
        await getDatabase().sql`select 1`;
        return { ok: true, message: 'fine' };
      });
      expect(state).toEqual({ ok: false, message: 'The database is not available right now; try again in a moment.' });
    } finally {
      await closeDatabase();
      setEnv('DATABASE_URL', t.url);
      setEnv('APP_DATABASE_URL', t.url);
    }
  });
});

describe('POST /payments/import and a file’s outgoing lines', () => {
  it('an imported file answers its outgoing lines: payoutsSettled and outgoingUnmatched (issue 14)', async () => {
    const { POST } = await routes.paymentsImport();
    const res = await call(POST, 'POST', '/api/v1/payments/import', keys.collections!, {
      body: 'date,amount,currency,payer,reference,bank_reference\n2026-01-02,10.00,USD,A,R-OUT-1,TRX-OUT-1\n2026-01-02,-12.50,USD,,ACCOUNT FEE,TRX-OUT-2\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      errors: [],
      payoutsSettled: [],
      outgoingUnmatched: [{ line: 3, reason: 'no sent payout batch is of 12.50 USD, and its references name none' }],
    });
    expect((res.body.payments as unknown[]).length).toBe(1);
  });
});

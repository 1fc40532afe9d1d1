import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { closeQueues } from '../../jobs/queues';
import { webhooksProcessor } from '../../jobs/processors/webhooks';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { runConcentrationCheck } from '../../lib/concentration';
import { batchFile, createBatch, markSent, returnRelease } from '../../lib/payouts';
import { runReleaseCycle } from '../../lib/releases';
import { issueStatement } from '../../lib/statements';
import { createApiKey } from '../../lib/users';
import { WEBHOOK_MAX_ATTEMPTS, redeliverWebhook } from '../../lib/webhooks/deliver';
import { emitWebhookEvents } from '../../lib/webhooks/outbox';
import { createWebhook, disableWebhook } from '../../lib/webhooks/subscriptions';
import { aClient, aDebtor, aFundedInvoice, aPayoutAccount, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 16 item 8: webhooks end to end — events written by the real commands in their own
 * transactions, delivered by the real job processor to a real HTTP receiver that checks each
 * signature with README's recipe (not Holdback's own helper), the first delivery refused with a
 * 500 and retried, every event arriving exactly once after dedupe by its id, a replayed old
 * request refused; and POST /api/v1/webhooks (201 / 403 / 400).
 */

const prefix = `holdback-webhooks-${randomBytes(4).toString('hex')}`;
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

/** README "Webhooks": the receiver's check, as a receiver would write it. */
function verifyAsReadmeSays(secret: string, rawBody: string, header: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(nowSeconds - t) > 300) return false; // older than five minutes: a replay
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A receiver: checks signatures; answers 500 to the first `failFirst` requests, then 200; keeps what it accepted once per event id. */
function startReceiver(secret: () => string, options: { failFirst: number; always?: number }) {
  const requests: Received[] = [];
  const accepted = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let answered: number;
      if (options.always) answered = options.always;
      else if (!verifyAsReadmeSays(secret(), body, req.headers['holdback-signature'] as string | undefined)) answered = 401;
      else if (requests.filter((r) => r.answered !== 401).length < options.failFirst) answered = 500;
      else {
        const event = JSON.parse(body) as { id: string };
        if (!accepted.has(event.id)) accepted.set(event.id, event); // dedupe by event id
        answered = 200;
      }
      requests.push({ headers: req.headers, body, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 200 ? 'ok' : 'no');
    });
  });
  return {
    requests,
    accepted,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/holdback-events`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestDatabase;
let team: Team;
const keys: Partial<Record<keyof Team, string>> = {};
let secret = '';
const receiver = startReceiver(() => secret, { failFirst: 1 });
const down = startReceiver(() => '', { failFirst: 0, always: 503 });
let url = '';
let downUrl = '';

const aJob = () => ({ id: `webhooks-${randomBytes(3).toString('hex')}`, data: { reason: 'queued' }, updateProgress: async () => {} }) as unknown as Job;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  for (const role of ['underwriter', 'admin'] as const) {
    const actor = team[role];
    keys[role] = (await t.database.transaction((tx) => createApiKey(tx, actor.userId!, 'test', actor))).key;
  }
  url = await receiver.listen();
  downUrl = await down.listen();
  // The route handlers use the process-wide pool: point it at this file's database.
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.url);
  setEnv('QUEUE_PREFIX', prefix);
  // the receivers listen on 127.0.0.1: the SSRF guard lets loopback through only with this (README "Webhooks")
  setEnv('WEBHOOKS_ALLOW_PRIVATE', 'true');
  // the key webhook secrets are sealed with is derived from it (lib/webhooks/secret-box.ts)
  setEnv('WEBHOOK_SECRET_KEY', undefined);
  setEnv('AUTH_SECRET', `test-${randomBytes(8).toString('hex')}`);
  // the payout file of the last test
  setEnv('NACHA_ORIGIN_ROUTING', '021000021');
  setEnv('NACHA_DESTINATION_ROUTING', '021000021');
  setEnv('NACHA_DESTINATION_NAME', 'Chase');
  setEnv('NACHA_COMPANY_ID', '1234567890');
  setEnv('NACHA_COMPANY_NAME', 'Holdback Factors');
  await closeDatabase();
});

afterAll(async () => {
  await receiver.close();
  await down.close();
  await closeDatabase();
  await closeQueues();
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

async function call(handler: Handler, method: string, path: string, key: string, body?: string, params: Record<string, string> = {}) {
  const res = await handler(
    new Request(`http://holdback.test${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body }),
    { params: Promise.resolve(params) },
  );
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text) as Record<string, unknown> & { error?: { code: string; message: string; details: Record<string, string> } },
  };
}

const deliveries = () =>
  t.database.sql<
    { id: string; event_id: string; event_type: string; status: string; attempts: number; last_status: number | null; last_error: string | null }[]
  >`
    select id::text as id, event_id, event_type, status, attempts, last_status, last_error from webhook_deliveries order by id`;

/** The backoff's wait, passed: what is pending is due now. */
const timePasses = () => t.database.sql`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`;

describe('POST /api/v1/webhooks', () => {
  it('an admin adds one: 201 with its id and secret (shown once: the list has no secret)', async () => {
    const { POST, GET } = (await import('../../app/api/v1/webhooks/route')) as unknown as { POST: Handler; GET: Handler };
    const made = await call(POST, 'POST', '/api/v1/webhooks', keys.admin!, JSON.stringify({ url, events: ['invoice.funded', 'payment.applied'] }));
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/), url });
    secret = made.body.secret as string;
    const listed = await call(GET, 'GET', '/api/v1/webhooks', keys.admin!);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: made.body.id, url, events: ['invoice.funded', 'payment.applied'], status: 'active' })]);
    // stored encrypted: the column is not the secret (the deliveries below verify with it all the same)
    const [stored] = await t.database.sql<{ secret_sealed: string }[]>`select secret_sealed from webhook_subscriptions where id = ${made.body.id as string}`;
    expect(stored!.secret_sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(stored!.secret_sealed).not.toContain(secret);
    expect(stored!.secret_sealed).not.toContain(secret.slice('whsec_'.length, 30));
    // the audit log names the webhook, never its secret
    const [audit] = await t.database.sql<{ after: unknown }[]>`select after from audit_events where action = 'webhook.create'`;
    expect(JSON.stringify(audit!.after)).not.toContain(secret);
  });

  it('anyone else: 403, nothing stored', async () => {
    const { POST } = (await import('../../app/api/v1/webhooks/route')) as unknown as { POST: Handler };
    const res = await call(POST, 'POST', '/api/v1/webhooks', keys.underwriter!, JSON.stringify({ url: 'https://example.com/x', events: ['invoice.funded'] }));
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('forbidden');
  });

  it('bad input: 400 naming the field in plain words', async () => {
    const { POST } = (await import('../../app/api/v1/webhooks/route')) as unknown as { POST: Handler };
    const badUrl = await call(POST, 'POST', '/api/v1/webhooks', keys.admin!, JSON.stringify({ url: 'ftp://example.com/x', events: ['invoice.funded'] }));
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error?.details).toEqual({ url: 'URL must start with https:// or http://' });
    const badEvent = await call(POST, 'POST', '/api/v1/webhooks', keys.admin!, JSON.stringify({ url: 'https://example.com/x', events: ['invoice.paid'] }));
    expect(badEvent.status).toBe(400);
    expect(Object.values(badEvent.body.error?.details ?? {}).join(' ')).toMatch(/Event must be one of: invoice\.funded/);
    const none = await call(POST, 'POST', '/api/v1/webhooks', keys.admin!, JSON.stringify({ url: 'https://example.com/x', events: [] }));
    expect(none.status).toBe(400);
    expect(none.body.error?.details).toEqual({ events: 'Events must have at least one entry' });
    const [{ n }] = (await t.database.sql`select count(*)::int as n from webhook_subscriptions`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });
});

describe('deliveries', () => {
  it('funding and applying a payment queue their events in their own transactions; a rolled-back command queues nothing', async () => {
    const client = await aClient(t.database, team);
    const debtor = await aDebtor(t.database, team);
    const invoice = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-02-01' });
    const payment = await t.database.transaction((tx) =>
      receivePayment(tx, { amount: '4000.00', currency: 'USD', receivedDate: '2026-03-01', payerName: 'Debtor', reference: 'part' }, team.collections),
    );
    await t.database.transaction((tx) =>
      applyPayment(tx, Number(payment.id), { allocations: [{ invoiceId: invoice.id, amount: '4000.00' }] }, team.collections),
    );
    await expect(
      t.database.transaction(async (tx) => {
        await emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'rolled-back', data: {} }]);
        throw new Error('the command failed after queueing');
      }),
    ).rejects.toThrow('the command failed');
    const rows = await deliveries();
    expect(rows.map((r) => [r.event_type, r.status, r.attempts])).toEqual([
      ['invoice.funded', 'pending', 0],
      ['payment.applied', 'pending', 0],
    ]);
  });

  it('the job delivers signed events; the first answer (500) is retried with the same event id; each event is received exactly once', async () => {
    const process = webhooksProcessor(t.database);
    const first = (await process(aJob())) as { delivered: number; retrying: number; failed: number };
    expect(first).toEqual({ delivered: 1, retrying: 1, failed: 0 });
    const afterFirst = await deliveries();
    const retrying = afterFirst.find((r) => r.status === 'pending')!;
    expect(retrying).toMatchObject({ attempts: 1, last_status: 500, last_error: 'The receiver answered HTTP 500' });
    // nothing more before its backoff has passed
    expect(await process(aJob())).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    await timePasses();
    expect(await process(aJob())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const rows = await deliveries();
    expect(rows.every((r) => r.status === 'delivered' && r.last_status === 200)).toBe(true);

    // three requests: one refused, its retry, the other event — all signed correctly (none 401)
    expect(receiver.requests.map((r) => r.answered).sort()).toEqual([200, 200, 500]);
    const failed = receiver.requests.find((r) => r.answered === 500)!;
    const retried = receiver.requests.filter((r) => r.headers['holdback-event-id'] === failed.headers['holdback-event-id']);
    expect(retried.map((r) => r.answered)).toEqual([500, 200]);
    expect(retried[0]!.body).toBe(retried[1]!.body);
    expect(JSON.parse(retried[0]!.body).id).toBe(failed.headers['holdback-event-id']);

    // an admin redelivers one: the receiver sees it again, under the same id, and dedupes it
    await t.database.transaction((tx) => redeliverWebhook(tx, Number(rows[0]!.id), team.admin));
    expect(await process(aJob())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(4);
    expect([...receiver.accepted.keys()].sort()).toEqual(rows.map((r) => r.event_id).sort());

    const funded = receiver.accepted.get(rows.find((r) => r.event_type === 'invoice.funded')!.event_id) as {
      type: string;
      createdAt: string;
      data: { totalAdvance: string; invoices: { advance: string; reserve: string }[] };
    };
    expect(funded.type).toBe('invoice.funded');
    expect(funded.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(funded.data.totalAdvance).toMatch(/^\d+\.\d{2}$/);
    expect(funded.data.invoices[0]!.reserve).toMatch(/^\d+\.\d{2}$/);
    const applied = receiver.accepted.get(rows.find((r) => r.event_type === 'payment.applied')!.event_id) as { data: Record<string, unknown> };
    expect(applied.data).toMatchObject({ currency: 'USD', amount: '4000.00', unapplied: '0.00', appliedDate: '2026-03-01' });
    expect(applied.data.invoices).toEqual([expect.objectContaining({ applied: '4000.00', outstanding: '6000.00', outcome: 'open' })]);
  });

  it('a replayed request (its timestamp older than five minutes) is refused by the recipe, though its signature is right', () => {
    const old = receiver.requests[0]!;
    const header = old.headers['holdback-signature'] as string;
    const at = Number(/t=(\d+)/.exec(header)![1]);
    expect(verifyAsReadmeSays(secret, old.body, header, at + 10)).toBe(true);
    expect(verifyAsReadmeSays(secret, old.body, header, at + 301)).toBe(false);
  });

  it('a delivery that never succeeds is given up after the last attempt; a worker that died mid-send is taken over when its lease runs out', async () => {
    const other = await t.database.transaction((tx) => createWebhook(tx, { url: downUrl, events: ['payment.applied'] }, team.admin));
    await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'payment.applied', key: 'test-down', data: { amount: '1.00' } }]));
    const [row] = await t.database.sql<{ id: string }[]>`select id::text as id from webhook_deliveries where subscription_id = ${other.id}`;
    await t.database.sql`update webhook_deliveries set attempts = ${WEBHOOK_MAX_ATTEMPTS - 1} where id = ${row!.id}`;
    // the first subscription gets the event too (it wants payment.applied)
    const process = webhooksProcessor(t.database);
    expect(await process(aJob())).toEqual({ delivered: 1, retrying: 0, failed: 1 });
    const [given] = await t.database.sql<{ status: string; attempts: number; last_status: number }[]>`
      select status, attempts, last_status from webhook_deliveries where id = ${row!.id}`;
    expect(given).toEqual({ status: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS, last_status: 503 });

    // a row claimed by a worker that died: sending, its lease in the past
    await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'test-crash', data: {} }]));
    await t.database
      .sql`update webhook_deliveries set status = 'sending', attempts = 1, locked_until = now() + interval '1 minute' where event_id = 'invoice.funded:test-crash'`;
    expect(await process(aJob())).toEqual({ delivered: 0, retrying: 0, failed: 0 }); // its lease still runs
    await t.database.sql`update webhook_deliveries set locked_until = now() - interval '1 second' where event_id = 'invoice.funded:test-crash'`;
    expect(await process(aJob())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(receiver.accepted.has('invoice.funded:test-crash')).toBe(true);

    // disabled: nothing more is queued for it, and it cannot be redelivered
    await t.database.transaction((tx) => disableWebhook(tx, Number(other.id), team.admin));
    expect(await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'payment.applied', key: 'after-disable', data: {} }]))).toBe(1);
    await expect(t.database.transaction((tx) => redeliverWebhook(tx, Number(row!.id), team.admin))).rejects.toMatchObject({ code: 'webhook_disabled' });
  });

  it('the delivery log lists them newest first with status, attempts and last response; redeliver is admin only', async () => {
    const { GET } = (await import('../../app/api/v1/webhook-deliveries/route')) as unknown as { GET: Handler };
    const res = await call(GET, 'GET', '/api/v1/webhook-deliveries?status=failed', keys.admin!);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ status: 'failed', attempts: WEBHOOK_MAX_ATTEMPTS, lastStatus: 503, event: 'payment.applied' })]);
    const { POST } = (await import('../../app/api/v1/webhook-deliveries/[id]/redeliver/route')) as unknown as { POST: Handler };
    const [delivered] = await t.database.sql<{ id: string }[]>`select id::text as id from webhook_deliveries where status = 'delivered' order by id limit 1`;
    const refused = await call(POST, 'POST', `/api/v1/webhook-deliveries/${delivered!.id}/redeliver`, keys.underwriter!, undefined, { id: delivered!.id });
    expect(refused.status).toBe(403);
    const ok = await call(POST, 'POST', `/api/v1/webhook-deliveries/${delivered!.id}/redeliver`, keys.admin!, undefined, { id: delivered!.id });
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ id: delivered!.id, status: 'pending' });
    const again = await call(POST, 'POST', `/api/v1/webhook-deliveries/${delivered!.id}/redeliver`, keys.admin!, undefined, { id: delivered!.id });
    expect(again.status).toBe(409);
  });

  it('every other event is queued by its own command: release approved, payout sent and returned, statement ready, alert raised', async () => {
    const all = await t.database.transaction((tx) =>
      createWebhook(tx, { url: downUrl, events: ['release.approved', 'payout.sent', 'payout.returned', 'statement.ready', 'alert.raised'] }, team.admin),
    );
    const INSTAPAY = {
      advanceRate: '0.90',
      reserveRate: '0.10',
      fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
      releaseAutoApproveUpTo: '100000.00',
    } as const;
    const client = await aClient(t.database, team, { agreement: INSTAPAY });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '1000.00', fundingDate: '2026-01-01' });
    const p = await t.database.transaction((tx) => receivePayment(tx, { amount: '1000.00', currency: 'USD', receivedDate: '2026-01-20' }, team.collections));
    await t.database.transaction((tx) => applyPayment(tx, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '1000.00' }] }, team.collections));
    const cycle = await runReleaseCycle(t.database, { asOf: '2026-01-30', clientIds: [client.id] }, team.controller);
    const releaseId = Number(cycle.releases[0]!.id);
    await aPayoutAccount(t.database, team, client.id, {
      holderName: `Holder ${client.id}`,
      routing: '011000015',
      account: `1111${client.id.padStart(6, '0')}`,
    });
    const { batch } = await t.database.transaction((tx) => createBatch(tx, { currency: 'USD', valueDate: '2026-02-02' }, team.controller));
    await t.database.transaction((tx) => batchFile(tx, Number(batch.id), 'nacha', team.controller));
    await t.database.transaction((tx) => markSent(tx, Number(batch.id), { date: '2026-02-02' }, team.controller));
    await t.database.transaction((tx) => returnRelease(tx, releaseId, { date: '2026-02-03', code: 'R01', reason: 'Insufficient funds' }, team.controller));
    const { statement } = await issueStatement(t.database, { clientId: Number(client.id), from: '2026-01-01', to: '2026-01-31' }, team.controller);
    await runConcentrationCheck(t.database);

    const rows = await t.database.sql<{ event_id: string; event_type: string; body: string }[]>`
      select event_id, event_type, body from webhook_deliveries where subscription_id = ${all.id} order by id`;
    const byType = new Map(rows.map((r) => [r.event_type, JSON.parse(r.body) as { id: string; data: Record<string, unknown> }]));
    expect([...byType.keys()].sort()).toEqual(['alert.raised', 'payout.returned', 'payout.sent', 'release.approved', 'statement.ready']);
    expect(byType.get('release.approved')).toMatchObject({
      id: `release.approved:release-${releaseId}`,
      data: { releaseId: String(releaseId), amount: '70.00', currency: 'USD' },
    });
    expect(byType.get('payout.sent')!.data).toMatchObject({
      payoutBatchId: batch.id,
      amount: '70.00',
      sentDate: '2026-02-02',
      releases: [{ releaseId: String(releaseId), clientId: client.id, amount: '70.00' }],
    });
    expect(byType.get('payout.returned')!.data).toMatchObject({ releaseId: String(releaseId), amount: '70.00', code: 'R01', returnDate: '2026-02-03' });
    expect(byType.get('statement.ready')!.data).toMatchObject({
      statementId: statement.id,
      clientId: client.id,
      periodFrom: '2026-01-01',
      periodTo: '2026-01-31',
    });
    expect(byType.get('alert.raised')!.data).toMatchObject({ kind: 'concentration', level: expect.stringMatching(/^(near|breach)$/) });
    // each once, however often the same command's event would be queued again
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
  });

  it('what is due is found by index however long the history (no walk of delivered rows)', async () => {
    const [sub] = await t.database.sql<{ id: string }[]>`select id::text as id from webhook_subscriptions order by id limit 1`;
    await t.database.sql`
      insert into webhook_deliveries (subscription_id, event_id, event_type, body, status, attempts, delivered_at, last_status)
      select ${sub!.id}, 'history:' || g, 'invoice.funded', '{}', 'delivered', 1, now(), 200 from generate_series(1, 50000) g`;
    await t.database.sql`analyze webhook_deliveries`;
    interface PlanNode {
      'Node Type': string;
      'Relation Name'?: string;
      'Index Name'?: string;
      Plans?: PlanNode[];
    }
    const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
    const plan = async (query: string) => {
      const [row] = await t.database.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${query}`);
      return nodesOf(row!['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'webhook_deliveries');
    };
    // the claim's selection (lib/webhooks/deliver.ts)
    const due = await plan(`
      select id from webhook_deliveries
       where id in ((select id from webhook_deliveries where status = 'pending' and next_attempt_at <= now() order by next_attempt_at, id limit 20)
                    union all
                    (select id from webhook_deliveries where status = 'sending' and locked_until < now() order by id limit 20))
       order by id limit 20 for update skip locked`);
    expect(due.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(due.map((n) => n['Index Name'])).toEqual(expect.arrayContaining(['webhook_deliveries_status_next_idx']));
    // the log's status filter
    const failed = await plan(`select d.id from webhook_deliveries d where d.status = 'failed' order by d.id desc limit 50`);
    expect(failed.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
  });
});

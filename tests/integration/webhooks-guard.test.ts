import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { webhooksProcessor } from '../../jobs/processors/webhooks';
import { createApiKey } from '../../lib/users';
import { deliverDueWebhooks } from '../../lib/webhooks/deliver';
import { emitWebhookEvents } from '../../lib/webhooks/outbox';
import { createWebhook } from '../../lib/webhooks/subscriptions';
import { aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 16 item 8: the webhooks' SSRF guard and the secret at rest, against a real receiver on
 * 127.0.0.1. Without WEBHOOKS_ALLOW_PRIVATE a URL inside is refused when subscribed (400 naming
 * the URL) and when delivered — also a name that resolved outside when subscribed and inside now
 * (DNS rebinding): the delivery is given up at once with the reason, the receiver never reached.
 * A secret stored plain before migration 0040 still signs, and the job seals it.
 */

const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let t: TestDatabase;
let team: Team;
let adminKey = '';
const hits: { path: string; body: string; signature: string }[] = [];
const server: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    hits.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['holdback-signature'] ?? '') });
    res.writeHead(200).end('ok');
  });
});
let port = 0;

const verifies = (secret: string, body: string, header: string) => {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

const aJob = () => ({ id: `webhooks-${randomBytes(3).toString('hex')}`, data: { reason: 'queued' }, updateProgress: async () => {} }) as unknown as Job;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  adminKey = (await t.database.transaction((tx) => createApiKey(tx, team.admin.userId!, 'test', team.admin))).key;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.url);
  setEnv('WEBHOOKS_ALLOW_PRIVATE', undefined);
  setEnv('WEBHOOK_SECRET_KEY', randomBytes(32).toString('hex'));
  await closeDatabase();
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function post(url: string) {
  const { POST } = (await import('../../app/api/v1/webhooks/route')) as unknown as { POST: Handler };
  const res = await POST(
    new Request('http://holdback.test/api/v1/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url, events: ['invoice.funded'] }),
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, body: (await res.json()) as { error?: { code: string; details: Record<string, string> } } };
}

/** A subscription as it was made while the guard allowed it (or before the guard existed): straight into the table. */
async function subscribed(url: string, secretSealed: string): Promise<string> {
  const [row] = await t.database.sql<{ id: string }[]>`
    insert into webhook_subscriptions (url, events, secret_sealed) values (${url}, ${['invoice.funded']}::text[], ${secretSealed}) returning id::text as id`;
  return row!.id;
}

const deliveryOf = async (subscriptionId: string) =>
  (
    await t.database.sql<{ status: string; attempts: number; last_error: string | null; last_status: number | null }[]>`
      select status, attempts, last_error, last_status from webhook_deliveries where subscription_id = ${subscriptionId}`
  )[0];

describe('at subscription', () => {
  it('a URL inside is refused with a 400 naming the URL, nothing stored', async () => {
    const cases: [string, RegExp][] = [
      [`http://127.0.0.1:${port}/x`, /^URL must start with https:\/\/ \(plain http/],
      ['https://127.0.0.1/x', /^URL must point at a public address: 127\.0\.0\.1 is a loopback address/],
      ['https://169.254.169.254/latest/meta-data/', /^URL must point at a public address: 169\.254\.169\.254 is a link-local address/],
      ['https://[::ffff:10.0.0.1]/x', /^URL must point at a public address: ::ffff:a00:1 is a private network address/],
      ['https://100.64.1.1/x', /carrier-grade NAT/],
      ['https://[fd00::1]/x', /unique-local/],
      ['https://0.0.0.0/x', /unspecified/],
      ['https://localhost/x', /localhost is this machine/],
    ];
    for (const [url, message] of cases) {
      const res = await post(url);
      expect(res.status, url).toBe(400);
      expect(res.body.error?.code).toBe('invalid_input');
      expect(res.body.error?.details.url, url).toMatch(message);
    }
    const [{ n }] = (await t.database.sql`select count(*)::int as n from webhook_subscriptions`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it('a name resolving inside is refused; one resolving outside is kept, its secret stored encrypted', async () => {
    const resolve = async (name: string) => (name === 'internal.example.test' ? ['10.1.2.3'] : ['93.184.216.34']);
    await expect(
      t.database.transaction((tx) => createWebhook(tx, { url: 'https://internal.example.test/hook', events: ['invoice.funded'] }, team.admin, { resolve })),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      details: { url: 'URL must point at a public address: internal.example.test resolves to 10.1.2.3 is a private network address' },
    });
    const made = await t.database.transaction((tx) =>
      createWebhook(tx, { url: 'https://hooks.example.test/hook', events: ['invoice.funded'] }, team.admin, { resolve }),
    );
    expect(made.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const [row] = await t.database.sql<{ secret_sealed: string }[]>`select secret_sealed from webhook_subscriptions where id = ${made.id}`;
    expect(row!.secret_sealed).toMatch(/^v1:/);
    expect(row!.secret_sealed).not.toContain(made.secret.slice(6));
    // disabled again: the rest of this file delivers to its own subscriptions only
    await t.database.sql`update webhook_subscriptions set status = 'disabled' where id = ${made.id}`;
  });
});

describe('at delivery', () => {
  it('an address inside (subscribed while allowed), and a name rebound to one, are refused: failed at once with the reason, never connected', async () => {
    setEnv('WEBHOOKS_ALLOW_PRIVATE', 'true');
    const literal = await t.database.transaction((tx) =>
      createWebhook(tx, { url: `http://127.0.0.1:${port}/literal`, events: ['invoice.funded'] }, team.admin),
    );
    setEnv('WEBHOOKS_ALLOW_PRIVATE', undefined);
    // resolved outside when subscribed; now it answers 127.0.0.1 (the rebinding)
    const rebound = await t.database.transaction((tx) =>
      createWebhook(tx, { url: `https://rebind.example.test:${port}/rebound`, events: ['invoice.funded'] }, team.admin, {
        resolve: async () => ['93.184.216.34'],
      }),
    );
    await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'guard-1', data: {} }]));
    const report = await deliverDueWebhooks(t.database, { resolve: async () => ['127.0.0.1'] });
    expect(report).toEqual({ delivered: 0, retrying: 0, failed: 2 });
    expect(await deliveryOf(literal.id)).toEqual({
      status: 'failed',
      attempts: 1,
      last_status: null,
      last_error:
        'Refused by the address guard: The URL must start with https:// (plain http:// is only for local development, with WEBHOOKS_ALLOW_PRIVATE=true)',
    });
    expect(await deliveryOf(rebound.id)).toEqual({
      status: 'failed',
      attempts: 1,
      last_status: null,
      last_error: 'Refused by the address guard: rebind.example.test resolves to 127.0.0.1 is a loopback address (this machine)',
    });
    expect(hits).toEqual([]);
    // no retry storm: nothing is due again
    await t.database.sql`update webhook_deliveries set next_attempt_at = now() - interval '1 day'`;
    expect(await deliverDueWebhooks(t.database, { resolve: async () => ['127.0.0.1'] })).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    const audit = await t.database.sql<{ after: { error: string } }[]>`select after from audit_events where action = 'webhook.failed' order by id`;
    expect(audit.map((a) => a.after.error)).toEqual(expect.arrayContaining([expect.stringMatching(/rebind\.example\.test resolves to 127\.0\.0\.1/)]));
    await t.database.sql`update webhook_subscriptions set status = 'disabled' where id in (${literal.id}, ${rebound.id})`;
  });

  it('allowed, the connection goes to the address the guard checked (the name is never resolved again behind its back)', async () => {
    setEnv('WEBHOOKS_ALLOW_PRIVATE', 'true');
    try {
      const made = await t.database.transaction((tx) =>
        createWebhook(tx, { url: `http://receiver.example.test:${port}/pinned`, events: ['invoice.funded'] }, team.admin, {
          resolve: async () => ['127.0.0.1'],
        }),
      );
      await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'guard-2', data: { n: 2 } }]));
      // receiver.example.test exists only in this resolver: reaching the receiver proves the connection used it
      expect(await deliverDueWebhooks(t.database, { resolve: async () => ['127.0.0.1'] })).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(hits.map((h) => h.path)).toEqual(['/pinned']);
      expect(verifies(made.secret, hits[0]!.body, hits[0]!.signature)).toBe(true);
      await t.database.sql`update webhook_subscriptions set status = 'disabled' where id = ${made.id}`;
    } finally {
      setEnv('WEBHOOKS_ALLOW_PRIVATE', undefined);
    }
  });

  it('a secret stored plain before migration 0040 still signs; the job seals it', async () => {
    setEnv('WEBHOOKS_ALLOW_PRIVATE', 'true');
    try {
      const legacySecret = `whsec_${randomBytes(32).toString('hex')}`;
      const id = await subscribed(`http://127.0.0.1:${port}/legacy`, `plain:${legacySecret}`);
      await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'guard-3', data: { n: 3 } }]));
      expect(await webhooksProcessor(t.database)(aJob())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      const got = hits.find((h) => h.path === '/legacy')!;
      expect(verifies(legacySecret, got.body, got.signature)).toBe(true);
      const [row] = await t.database.sql<{ secret_sealed: string }[]>`select secret_sealed from webhook_subscriptions where id = ${id}`;
      expect(row!.secret_sealed).toMatch(/^v1:/);
      expect(row!.secret_sealed).not.toContain(legacySecret.slice(6));
      // sealed, it still signs the same
      await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'guard-4', data: { n: 4 } }]));
      expect(await webhooksProcessor(t.database)(aJob())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      const second = hits.filter((h) => h.path === '/legacy')[1]!;
      expect(verifies(legacySecret, second.body, second.signature)).toBe(true);
    } finally {
      setEnv('WEBHOOKS_ALLOW_PRIVATE', undefined);
    }
  });

  it('a secret sealed under another key is not sent: failed at once, the reason named', async () => {
    const made = await t.database.transaction((tx) =>
      createWebhook(tx, { url: `https://hooks2.example.test:${port}/rotated`, events: ['invoice.funded'] }, team.admin, {
        resolve: async () => ['93.184.216.34'],
      }),
    );
    await t.database.sql`update webhook_subscriptions set status = 'disabled' where id <> ${made.id}`;
    setEnv('WEBHOOK_SECRET_KEY', randomBytes(32).toString('hex'));
    await t.database.transaction((tx) => emitWebhookEvents(tx, [{ type: 'invoice.funded', key: 'guard-5', data: {} }]));
    expect(await deliverDueWebhooks(t.database, { resolve: async () => ['93.184.216.34'] })).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect((await deliveryOf(made.id))!.last_error).toMatch(/^Not sent: The signing secret was encrypted under another key/);
  });
});

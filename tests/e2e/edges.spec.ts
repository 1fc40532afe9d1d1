import { expect, test, type APIRequestContext } from '@playwright/test';
import postgres from 'postgres';
import { apiKeyFor } from './helpers';

/**
 * Issue 11 at the HTTP edge, against the real `npm start` (scripts/web.ts in front of Next):
 * body limits, foreign origins, forged forwarding headers and request ids, security headers,
 * bad input, and no pool exhaustion under parallel release cycles.
 */
const DATABASE_URL = process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/holdback_e2e';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MB = 1024 * 1024;

let keys: { underwriter: string; controller: string };
let sql: postgres.Sql;
test.beforeAll(() => {
  keys = {
    underwriter: apiKeyFor('uw-edges@edges.test', 'underwriter'),
    controller: apiKeyFor('controller-edges@edges.test', 'controller'),
  };
  sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql?.end({ timeout: 5 });
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const tag = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

async function postRaw(request: APIRequestContext, key: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await request.post(`/api/v1${path}`, { headers: { ...auth(key), 'content-type': 'application/json', ...headers }, data: body });
  const text = await res.text();
  return { status: res.status(), headers: res.headers(), body: text.startsWith('{') ? JSON.parse(text) : text };
}

const securityHeaders = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

function expectSecurityHeaders(headers: Record<string, string>) {
  expect(headers).toMatchObject(securityHeaders);
  const csp = headers['content-security-policy']!;
  for (const directive of ["default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'", "img-src 'self' data: blob:"])
    expect(csp).toContain(directive);
  expect(headers['permissions-policy']).toContain('camera=()');
}

test('security headers on a page, an API answer, an API error and a missing page', async ({ request, page }) => {
  const signin = await page.goto('/signin');
  expectSecurityHeaders(signin!.headers());
  // the page still works under the policy: the form renders and its script runs
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expectSecurityHeaders((await request.get('/api/health')).headers());
  const unauthenticated = await request.get('/api/v1/release-cycles');
  expect(unauthenticated.status()).toBe(401);
  expectSecurityHeaders(unauthenticated.headers());
  const missing = await request.get('/no-such-page');
  expect(missing.status()).toBe(404);
  expectSecurityHeaders(missing.headers());
});

test('a 50 MB JSON body is refused with 413 of API.md’s shape before anything reads it', async ({ request }) => {
  const res = await postRaw(request, keys.underwriter, '/debtors', Buffer.alloc(50 * MB, 'a'));
  expect(res.status).toBe(413);
  expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining('1 MB'), details: { limit: MB } } });
});

test('a 21 MB server action is refused with 413 (20 MB is the limit), not a 500', async ({ request, baseURL }) => {
  const res = await request.post('/dashboard', {
    headers: { 'next-action': '0123456789abcdef0123456789abcdef01234567', origin: baseURL!, 'content-type': 'text/plain;charset=UTF-8' },
    data: Buffer.alloc(21 * MB, 'a'),
  });
  expect(res.status()).toBe(413);
  expect(await res.text()).toContain('20 MB');
});

test('a server action from a foreign Origin is refused with 403, not a 500', async ({ request }) => {
  const res = await request.post('/dashboard', {
    headers: { 'next-action': '0123456789abcdef0123456789abcdef01234567', origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' },
    data: '[]',
  });
  expect(res.status()).toBe(403);
  const nullOrigin = await request.post('/dashboard', { headers: { 'next-action': 'x', origin: 'null' }, data: '[]' });
  expect(nullOrigin.status()).toBe(403);
});

test('deep JSON with an Idempotency-Key, a number too large, a NUL and a lone surrogate are 400s', async ({ request }) => {
  const deep = await postRaw(request, keys.underwriter, '/debtors', `{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, {
    'idempotency-key': `deep-${tag()}`,
  });
  expect(deep.status).toBe(400);
  expect(deep.body.error.code).toBe('too_deeply_nested');

  const huge = await postRaw(request, keys.underwriter, '/debtors', JSON.stringify({ name: `Huge ${tag()}`, creditLimit: `${'9'.repeat(30)}.00` }));
  expect(huge.status).toBe(400);
  expect(huge.body.error).toEqual({ code: expect.any(String), message: expect.any(String), details: expect.any(Object) });

  const nul = await postRaw(request, keys.underwriter, '/debtors', `{"name":"Nul\\u0000 ${tag()}","creditLimit":"10.00"}`);
  expect(nul.status).toBe(400);
  expect(nul.body.error.code).toBe('invalid_characters');
  expect(nul.body.error.details).toHaveProperty('name');

  const lone = await postRaw(request, keys.underwriter, '/debtors', `{"name":"Half \\ud800 ${tag()}","creditLimit":"10.00"}`);
  expect(lone.status).toBe(400);
  expect(lone.body.error.details).toHaveProperty('name');
});

test('a forged X-Forwarded-For and an 8,000-character X-Request-Id do not reach the audit log', async ({ request }) => {
  const res = await postRaw(request, keys.underwriter, '/debtors', JSON.stringify({ name: `Forwarded ${tag()}`, creditLimit: '10.00' }), {
    'x-forwarded-for': '6.6.6.6',
    'x-real-ip': '7.7.7.7',
    'x-request-id': 'r'.repeat(8000),
  });
  expect(res.status).toBe(201);
  const requestId = res.headers['x-request-id']!;
  expect(requestId).toMatch(UUID);
  // The e2e server runs without TRUST_PROXY: the address recorded is the peer's (this machine).
  const [event] = await sql<
    { ip: string | null; request_id: string }[]
  >`select ip, request_id from audit_events where action = 'debtor.create' and target_id = ${res.body.id}`;
  expect(event).toEqual({ ip: '127.0.0.1', request_id: requestId });

  const plain = await postRaw(request, keys.underwriter, '/debtors', JSON.stringify({ name: `Traced ${tag()}`, creditLimit: '10.00' }), {
    'x-request-id': 'trace-edges-1',
  });
  expect(plain.headers['x-request-id']).toBe('trace-edges-1');
  const [traced] = await sql<{ request_id: string }[]>`select request_id from audit_events where action = 'debtor.create' and target_id = ${plain.body.id}`;
  expect(traced!.request_id).toBe('trace-edges-1');
});

test('twelve parallel POST /release-cycles all answer, and /api/health stays 200 meanwhile', async ({ request }) => {
  const client = await postRaw(request, keys.underwriter, '/clients', JSON.stringify({ name: `Edges Cycle ${tag()}`, currency: 'USD' }));
  expect(client.status).toBe(201);
  let cyclesDone = false;
  const healthStatuses: number[] = [];
  const healthLoop = (async () => {
    while (!cyclesDone) {
      healthStatuses.push((await request.get('/api/health', { timeout: 10_000 })).status());
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      postRaw(
        request,
        keys.controller,
        '/release-cycles',
        JSON.stringify({ asOf: '2026-02-13', clientIds: [client.body.id] }),
        i % 2 === 0 ? { 'idempotency-key': `edges-cycle-${tag()}-${i}` } : {},
      ),
    ),
  );
  cyclesDone = true;
  await healthLoop;
  for (const a of answers) expect([201, 409]).toContain(a.status);
  expect(answers.some((a) => a.status === 201)).toBe(true);
  expect(healthStatuses.length).toBeGreaterThan(0);
  expect(healthStatuses.every((s) => s === 200)).toBe(true);
  expect((await request.get('/api/health')).status()).toBe(200);
});

test('POST /accruals answers 200 with API.md’s fields while the worker runs', async ({ request }) => {
  // Before any invoice of the demo or the other specs was funded: nothing to post, quickly.
  const res = await postRaw(request, keys.controller, '/accruals', JSON.stringify({ asOf: '2024-01-31' }));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ asOf: '2024-01-31', invoices: 0, posted: '0.00' });
});

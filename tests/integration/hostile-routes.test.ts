import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { closeQueues } from '../../jobs/queues';
import type { z } from 'zod';
import type { ApiRouteHandler } from '../../lib/http/api';
import { assertCleanJson } from '../../lib/http/request';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  MISSING,
  ZOD_WORDING,
  apiRouteFiles,
  describeSchema,
  generateInput,
  hostileBodies,
  hostilePathIds,
  seedOf,
  seededRng,
  shown,
  someFieldRequired,
  type AnchorKind,
  type GenContext,
  type Node,
  type Rng,
} from '../support/hostile';
import { countChanges, hostileFixtures, roleFor, tableCounts, type HostileFixtures } from '../support/hostile-fixtures';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 12, "Must show": every API route that writes (POST, PUT, PATCH, DELETE — found by walking
 * app/api and reading what each route.ts exports, so a new route is covered or this test fails)
 * answers at least 200 generated hostile inputs each with a 4xx of API.md's error shape — never a
 * 500, never an exception — and afterwards every table has exactly the rows it had.
 *
 * Inputs come from each route's own body schema (apiRoute exposes it): per field, values of its
 * kind mixed from a seeded PRNG (tests/support/hostile.ts), every input anchored by at least one
 * value it cannot be accepted with. Path ids are hostile too (letters, 0, -1, unknown ids), whole
 * bodies are (arrays, strings, malformed or 64-deep JSON, NUL in a key), the file imports get
 * broken CSV, camt.053 and BAI2, and the document upload programs renamed .pdf and hostile queries.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const PER_ROUTE = Math.max(200, Number(process.env.HOSTILE_INPUTS ?? 200));
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Route modules under app/api that are not apiRoute handlers, and why they are not tried here. */
const NOT_API_ROUTES: Record<string, string> = {
  'app/api/auth/[...nextauth]/route.ts':
    "next-auth's own sign-in and sign-out endpoints (CSRF-checked; the credentials check and its throttle are tested in tests/integration/sign-in-throttle.test.ts and sessions.test.ts), not an API.md route",
};

/**
 * Tables a refused request may legitimately change. None: a refusal rolls its transaction back,
 * an Idempotency-Key claimed outside a transaction is freed when the handler fails, and a key's
 * last use is an update, not a row.
 */
const ALLOWED_TO_GROW: readonly string[] = [];

const routes = apiRouteFiles(ROOT).filter((r) => !(r.file in NOT_API_ROUTES));
const writes = routes.flatMap((r) => r.methods.filter((m) => WRITE_METHODS.includes(m)).map((method) => ({ ...r, method })));

const prefix = `holdback-hostile-${randomBytes(4).toString('hex')}`;
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let t: TestDatabase;
let fx: HostileFixtures;
const report: { route: string; tried: number; anchors: Partial<Record<AnchorKind, number>>; statuses: Record<number, number> }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  fx = await hostileFixtures(t.database);
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.appUrl);
  setEnv('QUEUE_PREFIX', prefix);
  setEnv('ACCRUAL_WAIT_MS', '1000');
  await closeDatabase();
}, 120_000);

afterAll(async () => {
  const total = report.reduce((n, r) => n + r.tried, 0);
  const lines = report.map(
    (r) => `  ${r.route.padEnd(62)} ${String(r.tried).padStart(4)} inputs  anchors ${JSON.stringify(r.anchors)}  answers ${JSON.stringify(r.statuses)}`,
  );
  console.log(
    `Hostile inputs to API routes (seeded; HOSTILE_INPUTS=${PER_ROUTE} per route):\n${lines.join('\n')}\n  total: ${total} inputs over ${report.length} routes`,
  );
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

// ---------------------------------------------------------------- requests

/** Real ids for a path parameter, by the collection it follows (`invoices/[id]` → invoices). */
function realPathId(parent: string, name: string, rng: Rng): string {
  const entity = /dispute/i.test(name)
    ? 'dispute'
    : /statement/i.test(name)
      ? 'statement'
      : (
          {
            clients: 'client',
            invoices: 'invoice',
            payments: 'payment',
            fundings: 'batch',
            releases: 'release',
            'release-cycles': 'cycle',
            'agreement-versions': 'agreement',
            jobs: 'job',
          } as Record<string, string>
        )[parent];
  const pool = (entity && fx.ids.byEntity[entity]) || [];
  return pool.length > 0 ? rng.pick(pool) : '1';
}

interface Attempt {
  params: Record<string, string>;
  query: string;
  body: string;
  contentType: string | null;
  idempotencyKey?: string;
  anchor: AnchorKind;
  anchored: string[];
}

/** A path segment as a client would send it (a lone surrogate as the bytes a sloppy client sends for it). */
function segment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\ud800-\udfff]/g, '%ED%A0%80');
  }
}

function pathFor(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\[([^\]]+)\]/g, (_m, name: string) => segment(params[name] ?? ''));
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v === MISSING ? undefined : v)) ?? '';
}

/** Broken schedules of accounts and bank files: each has at least one line no importer accepts. */
function hostileFile(rng: Rng, kind: 'schedule' | 'bank'): string {
  const badCell = () => rng.pick(['abc', '2026-02-30', '1e5', '0.8x', '25%', '-5', '9'.repeat(40), 'XYZ', '', '\ud83d', '"unclosed', '=cmd|calc', '🚚']);
  const cell = () => (rng.chance(0.5) ? badCell() : rng.pick(['100.00', 'USD', fx.today, 'Acme', '1']));
  const header =
    kind === 'schedule'
      ? rng.pick(['number,debtor_id,face_value,currency,issue_date,due_date', 'number,debtor,amount,currency,issue_date,due_date', 'garbage,header', ''])
      : rng.pick(['date,amount,currency,payer,reference,bank_reference', 'date,amount', 'x', '']);
  const width = header.split(',').length;
  const lines = Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: width }, cell).join(','));
  const sure =
    kind === 'schedule'
      ? `INV-${rng.int(1e6)},${fx.ids.byEntity.debtor?.[0] ?? 1},abc,XYZ,2026-02-30,2026-02-31`
      : `2026-02-30,abc,XYZ,Payer,ref,BANK-${rng.int(1e6)}`;
  lines.splice(rng.int(lines.length + 1), 0, sure);
  const csv = [header, ...lines].join(rng.pick(['\n', '\r\n']));
  return rng.pick([
    csv,
    csv,
    csv,
    '',
    '   \n  \n',
    '<?xml version="1.0"?><Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="XYZ">abc</Amt><BookgDt><Dt>2026-02-30</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document>&e;</Document>',
    '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Document><x>&b;</x></Document>',
    '<Document><unclosed>',
    '01,SENDER,RECEIVER,260230,9999,1,,,2/\n16,999,abc,Z,REF,BANK\n99,abc,,/',
    `${header}\n${'x,'.repeat(5000)}`,
    'a\u0000b,c\n1,2',
  ]);
}

/**
 * Issue 15 item 2: a document upload (`body: 'stream'`, POST /documents?subjectType&subjectId): a
 * hostile query (no subject, an unknown type, a hostile or unknown id, a bad kind or file name)
 * with a real PDF, or a real subject with a body that is no PDF, PNG or JPEG (a program renamed
 * .pdf, a script, an archive, HTML, JSON, nothing).
 */
function documentAttempt(rng: Rng): Attempt {
  const subject = () => {
    const type = rng.pick(['invoice', 'client', 'schedule'] as const);
    const pool = fx.ids.byEntity[type === 'schedule' ? 'batch' : type] ?? [];
    return `subjectType=${type}&subjectId=${pool.length > 0 ? rng.pick(pool) : '1'}`;
  };
  const disguised = () =>
    rng.pick([
      'MZ\u0090\u0000\u0003\u0000\u0000\u0000 This program cannot be run in DOS mode',
      '\u007fELF\u0002\u0001\u0001\u0000 an ELF program',
      '#!/bin/sh\nrm -rf /\n',
      'PK\u0003\u0004\u0014\u0000 a zip',
      '<html><script>alert(1)</script></html>',
      '{"file":"%PDF-1.4"}',
      ' %PDF-1.4 a space before the signature',
      '%PDF',
      '',
      ...hostileBodies(rng, { someFieldRequired: false }).map((b) => b.text),
    ]);
  if (rng.chance(0.5)) {
    const query = rng.pick([
      '',
      '?subjectId=1',
      `?subjectType=${rng.pick(['payment', 'INVOICE', '', 'invoice%00', 'release'])}&subjectId=1`,
      // (not " 1", which is invoice 1 once trimmed)
      `?subjectType=invoice&subjectId=${segment(rng.pick(hostilePathIds(rng).filter((v) => !/^\s*[1-9]\d{0,5}\s*$/.test(v))))}`,
      `?subjectType=${rng.pick(['invoice', 'client', 'schedule', 'debtor'])}&subjectId=${9_000_000 + rng.int(1_000_000)}`,
      `?${subject()}&kind=${rng.pick(['selfie', 'PROOF_OF_DELIVERY', '%00', 'proof of delivery'])}`,
      `?${subject()}&fileName=${encodeURIComponent(rng.pick(['a\u0000b.pdf', 'x'.repeat(300)]))}`,
    ]);
    return { params: {}, query, body: '%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n', contentType: 'application/pdf', anchor: 'query', anchored: [] };
  }
  return {
    params: {},
    query: `?${subject()}${rng.chance(0.5) ? '&fileName=invoice.pdf' : ''}`,
    body: disguised(),
    contentType: rng.pick(['application/pdf', 'image/png', 'application/octet-stream', null]),
    anchor: 'file',
    anchored: [],
  };
}

function attemptsFor(route: (typeof writes)[number], schema: z.ZodType | null, node: Node | null, fileBody: boolean, rng: Rng, streamBody = false): Attempt[] {
  /** Whether the route refuses a body before its command: unstorable characters, or the schema. */
  const refuses = (value: Record<string, unknown>) => {
    const parsed = JSON.parse(jsonText(value)) as unknown;
    try {
      assertCleanJson(parsed);
    } catch {
      return true;
    }
    return !schema!.safeParse(parsed).success;
  };
  const ctx: GenContext = { rng, surface: 'json', ids: fx.ids, today: fx.today };
  const realParams = () => Object.fromEntries(route.params.map((p) => [p.name, realPathId(p.parent, p.name, rng)]));
  const hostileParams = () => {
    const params = realParams();
    const target = rng.pick(route.params);
    params[target.name] = rng.pick(hostilePathIds(rng));
    return params;
  };
  const withKey = (a: Attempt): Attempt =>
    rng.chance(0.2) ? { ...a, idempotencyKey: rng.pick([`hostile-${rng.int(1e9)}`, 'clé \u00ff', 'x'.repeat(201), `${rng.int(1e9)}`, ' ']) } : a;
  const out: Attempt[] = [];
  while (out.length < PER_ROUTE) {
    const roll = rng.next();
    if (streamBody) {
      out.push(withKey(documentAttempt(rng)));
      continue;
    }
    if (fileBody) {
      // A file import: a broken file, or a hostile query (client, format).
      const kind = route.pattern.includes('payments') ? 'bank' : 'schedule';
      const body = hostileFile(rng, kind);
      let query = '';
      let anchor: AnchorKind = 'file';
      if (kind === 'schedule') {
        if (roll < 0.35) {
          query = rng.pick(['', '?clientId=', `?clientId=${rng.pick(hostilePathIds(rng))}`, `?clientId=${fx.clientA}&clientId=${fx.clientB}`]);
          anchor = 'query';
        } else query = `?clientId=${rng.pick([fx.clientA, fx.clientB])}`;
      } else if (roll < 0.3) {
        query = `?format=${rng.pick(['xyz', 'CSV ', 'camt', '%00', 'bai3'])}${rng.chance(0.5) ? '&partial=true' : ''}`;
        anchor = 'query';
      } else query = rng.pick(['', '?format=csv', '?format=camt053', '?format=bai2', '?partial=false']);
      const json = rng.chance(0.15);
      out.push(
        withKey({
          params: realParams(),
          query,
          body: json ? JSON.stringify(kind === 'schedule' ? { csv: body } : { file: body }) : body,
          contentType: json ? 'application/json' : rng.pick(['text/csv', 'text/plain', 'application/xml', null]),
          anchor,
          anchored: [],
        }),
      );
      continue;
    }
    if (!node) {
      // No body schema (verify, approve, resume): the path is the input; the body is junk and ignored.
      const junk = rng.pick(hostileBodies(rng, { someFieldRequired: false }));
      out.push(withKey({ params: hostileParams(), query: '', body: junk.text, contentType: junk.contentType, anchor: 'path', anchored: [] }));
      continue;
    }
    if (roll < 0.1) {
      const body = rng.pick(hostileBodies(rng, { someFieldRequired: someFieldRequired(node) }));
      out.push(withKey({ params: realParams(), query: '', body: body.text, contentType: body.contentType, anchor: 'body', anchored: [] }));
      continue;
    }
    if (roll < 0.25 && route.params.length > 0) {
      const g = generateInput(node, ctx, 'benign')!;
      out.push(withKey({ params: hostileParams(), query: '', body: jsonText(g.value), contentType: 'application/json', anchor: 'path', anchored: [] }));
      continue;
    }
    const g = (roll < 0.45 ? generateInput(node, ctx, 'business') : null) ?? generateInput(node, ctx, 'field', refuses);
    if (!g) throw new Error(`${route.method} ${route.pattern}: its schema has no field a hostile value can be sent for; add the route's case to this test`);
    out.push(
      withKey({
        params: realParams(),
        query: '',
        body: jsonText(g.value),
        contentType: rng.chance(0.9) ? 'application/json' : null,
        anchor: g.anchor,
        anchored: g.anchored,
      }),
    );
  }
  return out;
}

/** What is wrong with an answer (null: a 4xx of API.md's error shape). */
async function problemWith(res: Response): Promise<string | null> {
  const text = await res.text();
  if (res.status < 400 || res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) return `content-type ${res.headers.get('content-type')}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
  if (!error || Object.keys(body as object).join() !== 'error') return `not {error}: ${text.slice(0, 200)}`;
  if (Object.keys(error).sort().join() !== 'code,details,message') return `error keys ${Object.keys(error).join()}`;
  if (typeof error.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(error.code)) return `code ${String(error.code)}`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'empty message';
  if (ZOD_WORDING.test(error.message)) return `zod's words in "${error.message}"`;
  if (error.details === null || typeof error.details !== 'object' || Array.isArray(error.details)) return `details ${JSON.stringify(error.details)}`;
  for (const [field, message] of Object.entries(error.details as Record<string, unknown>)) {
    if (typeof message === 'string' && ZOD_WORDING.test(message)) return `zod's words for ${field}: "${message}"`;
  }
  return null;
}

// ---------------------------------------------------------------- the tests

describe('every API route that writes is an apiRoute with a permission and a body schema', () => {
  it('finds the write routes in app/api (a route that writes and is not listed here is tried below)', async () => {
    expect(writes.length).toBeGreaterThanOrEqual(25);
    for (const route of writes) {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, route.file))) as Record<string, unknown>;
      const handler = mod[route.method] as Partial<ApiRouteHandler> | undefined;
      expect(typeof handler, `${route.method} ${route.pattern}`).toBe('function');
      expect(typeof handler!.permission, `${route.method} ${route.pattern} is not made by apiRoute(permission, …)`).toBe('string');
      expect(handler!.schema !== undefined, `${route.method} ${route.pattern} does not say its body schema`).toBe(true);
    }
  });
});

describe('hostile input to every API route that writes', () => {
  it.each(writes.map((w) => [`${w.method} ${w.pattern}`, w] as const))('%s: every answer a 4xx of API.md’s shape, nothing written', async (_name, route) => {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, route.file))) as Record<string, ApiRouteHandler>;
    const handler = mod[route.method]!;
    const node = handler.schema ? describeSchema(handler.schema) : null;
    const fileBody = handler.options.body === 'file';
    const rng = seededRng(seedOf(`${route.method} ${route.pattern}`));
    const key = fx.keys[roleFor(handler.permission)];
    const attempts = attemptsFor(route, handler.schema, node, fileBody, rng, handler.options.body === 'stream');
    const before = await tableCounts(t.admin);
    const problems: string[] = [];
    const anchors: Partial<Record<AnchorKind, number>> = {};
    const statuses: Record<number, number> = {};
    // Four at a time, as parallel callers would: the answers (and the row counts after) must be the same.
    const queue = [...attempts];
    const one = async (attempt: Attempt) => {
      anchors[attempt.anchor] = (anchors[attempt.anchor] ?? 0) + 1;
      const headers: Record<string, string> = { authorization: `Bearer ${key}` };
      if (attempt.contentType) headers['content-type'] = attempt.contentType;
      if (attempt.idempotencyKey !== undefined) headers['idempotency-key'] = attempt.idempotencyKey;
      let problem: string | null;
      try {
        const res = await handler(
          new Request(`http://holdback.test${pathFor(route.pattern, attempt.params)}${attempt.query}`, { method: route.method, headers, body: attempt.body }),
          {
            params: Promise.resolve(attempt.params),
          },
        );
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        problem = await problemWith(res);
      } catch (error) {
        problem = `threw ${error instanceof Error ? error.stack : String(error)}`;
      }
      if (problem && problems.length < 10)
        problems.push(
          `${problem}\n      input (${attempt.anchor} ${attempt.anchored.join(',')}): params ${shown(attempt.params)} query ${attempt.query} body ${shown(attempt.body, 400)}`,
        );
    };
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await one(next);
      }),
    );
    const changed = countChanges(before, await tableCounts(t.admin));
    for (const table of ALLOWED_TO_GROW) delete changed[table];
    report.push({ route: `${route.method} ${route.pattern}`, tried: attempts.length, anchors, statuses });
    expect(attempts.length).toBeGreaterThanOrEqual(200);
    expect(problems, problems.join('\n')).toEqual([]);
    expect(changed, 'row counts changed').toEqual({});
  });
});

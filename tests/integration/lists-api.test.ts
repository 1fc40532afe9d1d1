import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { runConcentrationCheck } from '../../lib/concentration';
import { todayIn } from '../../lib/dates';
import { fundBatch } from '../../lib/funding';
import { sendTestEmail } from '../../lib/notifications';
import { approveRelease, rejectRelease, runReleaseCycle } from '../../lib/releases';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 13: the list APIs of payments, fundings, releases, release cycles, audit events, the email
 * outbox and concentration alerts, through their route handlers with API keys. For each: every page
 * forwards and back joins into exactly the reference query's rows in its order; a sort; each
 * filter's real effect (the same rows as a reference SQL query written here independently); the
 * total; the CSV export holds as many rows as the total; a client user's key sees its own client
 * only; a bad filter is a 400 naming the field.
 */
let t: TestDatabase;
let team: Team;
let keys: Record<string, string>;
let clientA: { id: string; name: string };
let clientB: { id: string; name: string };
let debtor1: { id: string; name: string };
let debtor2: { id: string; name: string };
const databaseUrlBefore = process.env.DATABASE_URL;
const today = todayIn();

const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;

async function keyFor(actor: Actor): Promise<string> {
  return (await t.database.transaction((x) => createApiKey(x, actor.userId!, 'lists test', actor))).key;
}

type Route = { GET: (req: Request, ctx: never) => Promise<Response> };
const ROUTES: Record<string, () => Promise<Route>> = {
  payments: () => import('../../app/api/v1/payments/route') as unknown as Promise<Route>,
  fundings: () => import('../../app/api/v1/fundings/route') as unknown as Promise<Route>,
  releases: () => import('../../app/api/v1/releases/route') as unknown as Promise<Route>,
  'release-cycles': () => import('../../app/api/v1/release-cycles/route') as unknown as Promise<Route>,
  'audit-events': () => import('../../app/api/v1/audit-events/route') as unknown as Promise<Route>,
  'email-outbox': () => import('../../app/api/v1/email-outbox/route') as unknown as Promise<Route>,
  'concentration-alerts': () => import('../../app/api/v1/concentration-alerts/route') as unknown as Promise<Route>,
};

interface ListAnswer {
  items: ({ id: string } & Record<string, unknown>)[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalApproximate: boolean;
  sort: string;
  order: string;
  error?: { code: string; message: string; details: Record<string, string> };
}

async function call(list: string, query: Record<string, string>, key: string): Promise<{ status: number; body: ListAnswer; text: string; type: string }> {
  const { GET } = await ROUTES[list]!();
  const qs = new URLSearchParams(query).toString();
  const res = await GET(new Request(`http://holdback.test/api/v1/${list}${qs ? `?${qs}` : ''}`, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({}),
  } as never);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, body: type.includes('json') ? (JSON.parse(text) as ListAnswer) : ({} as ListAnswer), text, type };
}

/** Every page forwards (limit 2), then back from the last with Previous: the ids, in order, and the total each page said. */
async function walk(list: string, query: Record<string, string>, key: string): Promise<{ ids: string[]; total: number }> {
  const pages: { ids: string[]; prev: string | null }[] = [];
  let cursor: string | null = null;
  let total = -1;
  do {
    const { status, body } = await call(list, { ...query, limit: '2', ...(cursor ? { cursor } : {}) }, key);
    expect(status, JSON.stringify(body)).toBe(200);
    if (total === -1) total = body.total;
    expect(body.total).toBe(total);
    expect(body.totalApproximate).toBe(false);
    pages.push({ ids: body.items.map((i) => i.id), prev: body.prevCursor });
    cursor = body.nextCursor;
    expect(pages.length).toBeLessThan(200);
  } while (cursor);
  expect(pages[0]!.prev).toBeNull();
  for (let i = pages.length - 1; i > 0; i -= 1) {
    const back = await call(list, { ...query, limit: '2', cursor: pages[i]!.prev! }, key);
    expect(back.body.items.map((x) => x.id)).toEqual(pages[i - 1]!.ids);
  }
  return { ids: pages.flatMap((p) => p.ids), total };
}

/** The list walked page by page equals the reference query (ids in order), its total is their number, and its CSV has that many rows. */
async function expectList(list: string, query: Record<string, string>, reference: Promise<{ id: string }[]>, key = keys.admin!) {
  const expected = (await reference).map((r) => r.id);
  const { ids, total } = await walk(list, query, key);
  expect(ids).toEqual(expected);
  expect(total).toBe(expected.length);
  const csv = await call(list, { ...query, format: 'csv' }, key);
  expect(csv.status).toBe(200);
  expect(csv.type).toContain('text/csv');
  const lines = csv.text.trimEnd().split('\r\n');
  expect(lines.length - 1).toBe(total);
  // the CSV's first column is the row's id, in the list's order
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected);
  return expected;
}

async function refusal(list: string, query: Record<string, string>, key = keys.admin!) {
  const { status, body } = await call(list, query, key);
  expect(status).toBe(400);
  return body.error!;
}

const sql = () => t.database.sql;

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  team = await aTeam(t.database);
  const auditor = await aUser(t.database, 'auditor');
  const a = await aClient(t.database, team, { name: 'Alder Works', agreement: NAYA });
  const b = await aClient(t.database, team, { name: 'Birch Supply', agreement: NAYA });
  const c = await aClient(t.database, team, { name: 'Cedar Idle', agreement: NAYA });
  clientA = { id: a.id, name: a.name };
  clientB = { id: b.id, name: b.name };
  await t.database.sql`update clients set contacts = '[{"name":"Accounts","email":"ap@alder.test"}]'::jsonb where id = ${a.id}`;
  const d1 = await aDebtor(t.database, team);
  const d2 = await aDebtor(t.database, team);
  const small = await aDebtor(t.database, team, { creditLimit: '100.00' });
  debtor1 = { id: d1.id, name: d1.name };
  debtor2 = { id: d2.id, name: d2.name };
  const clientUser = await aUser(t.database, 'client', { clientId: Number(a.id) });
  keys = {
    admin: await keyFor(team.admin),
    collections: await keyFor(team.collections),
    funding: await keyFor(team.funding),
    auditor: await keyFor(auditor),
    client: await keyFor(clientUser),
  };

  // Fundings: A three batches (one held: the debtor's credit limit), B two.
  const invA1 = await aFundedInvoice(t.database, team, { client: a, debtor: d1, faceValue: '10000.00', fundingDate: '2026-01-01' });
  await aFundedInvoice(t.database, team, { client: a, debtor: d2, faceValue: '4000.00', fundingDate: '2026-01-05' });
  const invB1 = await aFundedInvoice(t.database, team, { client: b, debtor: d1, faceValue: '5000.00', fundingDate: '2026-01-02' });
  const invC1 = await aFundedInvoice(t.database, team, { client: c, debtor: d2, faceValue: '2000.00', fundingDate: '2026-01-03' });
  await aFundedInvoice(t.database, team, { client: c, debtor: d1, faceValue: '3000.00', fundingDate: '2026-01-03' });
  await aFundedInvoice(t.database, team, { client: b, debtor: d2, faceValue: '2500.00', fundingDate: '2026-01-09' });
  const heldInvoice = await anInvoice(t.database, team, { client: a, debtor: small, faceValue: '7000.00' });
  const held = await t.database.transaction((x) => fundBatch(x, { clientId: a.id, invoiceIds: [heldInvoice.id], fundingDate: '2026-01-10' }, team.funding));
  expect(held.status).toBe('pending_approval');

  // Payments: applied in full (A1, B1), partly applied, unapplied in USD and EUR, on several dates.
  const receive = (amount: string, currency: string, receivedDate: string, payerName: string, reference: string) =>
    t.database.transaction((x) => receivePayment(x, { amount, currency, receivedDate, payerName, reference }, team.collections));
  const pA = await receive('10000.00', 'USD', '2026-01-31', 'Northwind Traders', 'wire 8841');
  await t.database.transaction((x) => applyPayment(x, Number(pA.id), { allocations: [{ invoiceId: invA1.id, amount: '10000.00' }] }, team.collections));
  const pB = await receive('5000.00', 'USD', '2026-01-20', 'Contoso Ltd', 'ACH 100%_off');
  await t.database.transaction((x) => applyPayment(x, Number(pB.id), { allocations: [{ invoiceId: invB1.id, amount: '5000.00' }] }, team.collections));
  const pPart = await receive('3000.00', 'USD', '2026-01-25', 'Northwind Traders', 'part payment');
  const inv2 = (await sql()<{ id: string }[]>`select id::text as id from invoices where client_id = ${a.id} and face_value = 4000`)[0]!;
  await t.database.transaction((x) => applyPayment(x, Number(pPart.id), { allocations: [{ invoiceId: inv2.id, amount: '1000.00' }] }, team.collections));
  await receive('1200.00', 'EUR', '2026-01-22', 'Fabrikam GmbH', 'Rechnung 77');
  await receive('950.00', 'USD', '2026-01-25', 'Unknown payer', 'no reference');
  await receive('75.50', 'USD', '2026-02-02', 'Tailspin Toys', 'wire 9001');
  const pC = await receive('2000.00', 'USD', '2026-01-28', 'Cedar customer', 'INV C1');
  await t.database.transaction((x) => applyPayment(x, Number(pC.id), { allocations: [{ invoiceId: invC1.id, amount: '2000.00' }] }, team.collections));

  // Releases: a cycle on 2026-02-13 for A and B, the approver pays A's; another on 2026-02-20 for C, rejected.
  const cycle1 = await runReleaseCycle(t.database, { asOf: '2026-02-13', clientIds: [a.id, b.id] }, team.controller);
  const releaseA = cycle1.releases.find((r) => r.clientId === a.id)!;
  expect(releaseA.status).toBe('pending_approval');
  await t.database.transaction((x) => approveRelease(x, Number(releaseA.id), {}, team.approver));
  const cycle2 = await runReleaseCycle(t.database, { asOf: '2026-02-20', clientIds: [c.id] }, team.controller);
  expect(cycle2.releases).toEqual([expect.objectContaining({ clientId: c.id, status: 'pending_approval' })]);
  await t.database.transaction((x) => rejectRelease(x, Number(cycle2.releases[0]!.id), { reason: 'Client asked to hold it' }, team.approver));

  // Outbox: the rebate advice to A's contact, two test emails.
  await t.database.transaction((x) => sendTestEmail(x, { to: 'ops@factor.test' }, team.admin));
  await t.database.transaction((x) => sendTestEmail(x, { to: 'Second@Factor.test' }, team.admin));

  // Alerts: two debtors share the portfolio, both above a 25% limit.
  await runConcentrationCheck(t.database);
}, 120_000);

afterAll(async () => {
  await closeDatabase();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

describe('GET /api/v1/payments', () => {
  it('pages newest received first, sorts by amount, and each filter narrows to exactly its rows', async () => {
    const all = await expectList('payments', {}, sql()`select id::text as id from payments order by received_date desc, id desc`, keys.collections!);
    expect(all).toHaveLength(7);
    await expectList('payments', { sort: 'amount' }, sql()`select id::text as id from payments order by amount, id`, keys.collections!);
    await expectList(
      'payments',
      { sort: 'status', order: 'desc' },
      sql()`select id::text as id from payments order by status desc, id desc`,
      keys.collections!,
    );
    const applied = await expectList(
      'payments',
      { status: 'applied' },
      sql()`select id::text as id from payments where status = 'applied' order by received_date desc, id desc`,
    );
    expect(applied).toHaveLength(3);
    expect(
      await expectList(
        'payments',
        { status: 'partially_applied' },
        sql()`select id::text as id from payments where status = 'partially_applied' order by received_date desc, id desc`,
      ),
    ).toHaveLength(1);
    expect(
      await expectList(
        'payments',
        { from: '2026-01-22', to: '2026-01-25' },
        sql()`select id::text as id from payments where received_date between '2026-01-22' and '2026-01-25' order by received_date desc, id desc`,
      ),
    ).toHaveLength(3);
    expect(
      await expectList(
        'payments',
        { minAmount: '950', maxAmount: '3000.00' },
        sql()`select id::text as id from payments where amount between 950 and 3000 order by received_date desc, id desc`,
      ),
    ).toHaveLength(4);
    expect(
      await expectList('payments', { currency: 'eur' }, sql()`select id::text as id from payments where currency = 'EUR' order by received_date desc, id desc`),
    ).toHaveLength(1);
    expect(
      await expectList(
        'payments',
        { debtorId: debtor1.id },
        sql()`select id::text as id from payments where debtor_id = ${debtor1.id} order by received_date desc, id desc`,
      ),
    ).toHaveLength(2);
    expect(
      await expectList(
        'payments',
        { debtorName: debtor2.name.slice(-6) },
        sql()`select id::text as id from payments where debtor_id = ${debtor2.id} order by received_date desc, id desc`,
      ),
    ).toHaveLength(2);
    expect(
      await expectList(
        'payments',
        { payer: 'northwind' },
        sql()`select id::text as id from payments where payer_name = 'Northwind Traders' order by received_date desc, id desc`,
      ),
    ).toHaveLength(2);
    // LIKE's own characters are taken literally: "100%_" matches the reference that holds them, and no other
    expect(await expectList('payments', { reference: '100%_' }, sql()`select id::text as id from payments where reference = 'ACH 100%_off'`)).toHaveLength(1);
    expect(
      await expectList(
        'payments',
        { reference: 'WIRE' },
        sql()`select id::text as id from payments where reference like 'wire%' order by received_date desc, id desc`,
      ),
    ).toHaveLength(2);
    // the API's fields, money in the currency's format
    const { body } = await call('payments', { currency: 'EUR' }, keys.collections!);
    expect(body.items[0]).toMatchObject({
      status: 'unapplied',
      currency: 'EUR',
      amount: '1200.00',
      unapplied: '1200.00',
      receivedDate: '2026-01-22',
      payerName: 'Fabrikam GmbH',
      reference: 'Rechnung 77',
    });
    expect(body).toMatchObject({ total: 1, sort: 'received', order: 'desc', nextCursor: null, prevCursor: null });
  });

  it('refuses a bad filter naming the field, and a client user', async () => {
    expect(await refusal('payments', { status: 'lost' })).toMatchObject({
      code: 'invalid_input',
      details: { status: 'Status must be one of: unapplied, partially applied, applied, refunded' },
    });
    expect((await refusal('payments', { from: '2026-02-30' })).details).toEqual({
      from: 'Received from must be a real date written YYYY-MM-DD, such as 2026-03-31',
    });
    expect((await refusal('payments', { from: '2026-02-10', to: '2026-02-01' })).details).toEqual({ to: 'Received to must not be before Received from' });
    expect((await refusal('payments', { minAmount: '10', maxAmount: '5' })).details).toEqual({
      maxAmount: 'Largest amount must not be less than Smallest amount',
    });
    expect((await refusal('payments', { minAmount: 'ten' })).details).toHaveProperty('minAmount');
    expect((await refusal('payments', { currency: 'XYZ' })).details).toHaveProperty('currency');
    expect((await refusal('payments', { sort: 'payer' })).details).toEqual({ sort: 'Sort must be one of: received, amount, status' });
    expect((await refusal('payments', { format: 'xml' })).details).toEqual({ format: 'Format must be json or csv' });
    expect((await call('payments', {}, keys.client!)).status).toBe(403);
  });
});

describe('GET /api/v1/fundings', () => {
  it('pages, sorts, filters and counts; a client user sees its own batches only', async () => {
    const all = await expectList('fundings', {}, sql()`select id::text as id from funding_batches order by funding_date desc, id desc`, keys.funding!);
    expect(all).toHaveLength(7);
    await expectList('fundings', { sort: 'total', order: 'asc' }, sql()`select id::text as id from funding_batches order by total_face, id`);
    await expectList('fundings', { sort: 'status' }, sql()`select id::text as id from funding_batches order by status, id`);
    expect(
      await expectList('fundings', { status: 'pending_approval' }, sql()`select id::text as id from funding_batches where status = 'pending_approval'`),
    ).toHaveLength(1);
    expect(
      await expectList(
        'fundings',
        { clientId: clientB.id },
        sql()`select id::text as id from funding_batches where client_id = ${clientB.id} order by funding_date desc, id desc`,
      ),
    ).toHaveLength(2);
    expect(
      await expectList(
        'fundings',
        { clientName: 'alder' },
        sql()`select id::text as id from funding_batches where client_id = ${clientA.id} order by funding_date desc, id desc`,
      ),
    ).toHaveLength(3);
    expect(
      await expectList('fundings', { currency: 'USD' }, sql()`select id::text as id from funding_batches order by funding_date desc, id desc`),
    ).toHaveLength(7);
    expect(await expectList('fundings', { currency: 'EUR' }, sql()`select id::text as id from funding_batches where currency = 'EUR'`)).toHaveLength(0);
    expect(
      await expectList(
        'fundings',
        { from: '2026-01-02', to: '2026-01-09' },
        sql()`select id::text as id from funding_batches where funding_date between '2026-01-02' and '2026-01-09' order by funding_date desc, id desc`,
      ),
    ).toHaveLength(5);
    const own = await expectList(
      'fundings',
      {},
      sql()`select id::text as id from funding_batches where client_id = ${clientA.id} order by funding_date desc, id desc`,
      keys.client,
    );
    expect(own).toHaveLength(3);
    // asking for another client's batches finds none
    expect((await call('fundings', { clientId: clientB.id }, keys.client!)).body).toMatchObject({ items: [], total: 0 });
    const { body } = await call('fundings', { status: 'pending_approval' }, keys.funding!);
    expect(body.items[0]).toMatchObject({
      clientId: clientA.id,
      clientName: 'Alder Works',
      invoices: 1,
      totalFace: '7000.00',
      holds: 1,
      fundingDate: '2026-01-10',
    });
    expect((await refusal('fundings', { status: 'approved' })).details).toEqual({ status: 'Status must be one of: pending approval, funded, rejected' });
    expect((await refusal('fundings', { clientId: 'Alder' })).details).toEqual({ clientId: 'Client must be a whole number such as 12' });
  });
});

describe('GET /api/v1/releases and /release-cycles', () => {
  it('pages, sorts, filters and counts the releases; a client user sees its own', async () => {
    const all = await expectList('releases', {}, sql()`select id::text as id from releases order by as_of desc, id desc`);
    expect(all.length).toBe(3);
    await expectList('releases', { sort: 'amount', order: 'desc' }, sql()`select id::text as id from releases order by amount desc, id desc`);
    await expectList('releases', { sort: 'status' }, sql()`select id::text as id from releases order by status, id`);
    expect(await expectList('releases', { status: 'approved' }, sql()`select id::text as id from releases where status = 'approved'`)).toHaveLength(1);
    expect(await expectList('releases', { status: 'rejected' }, sql()`select id::text as id from releases where status = 'rejected'`)).toHaveLength(1);
    expect(await expectList('releases', { clientId: clientB.id }, sql()`select id::text as id from releases where client_id = ${clientB.id}`)).toHaveLength(1);
    expect(
      await expectList(
        'releases',
        { clientName: 'CEDAR' },
        sql()`select r.id::text as id from releases r join clients c on c.id = r.client_id where c.name = 'Cedar Idle'`,
      ),
    ).toHaveLength(1);
    expect(await expectList('releases', { from: '2026-02-14' }, sql()`select id::text as id from releases where as_of >= '2026-02-14'`)).toHaveLength(1);
    expect(
      await expectList('releases', { minAmount: '900', maxAmount: '1000' }, sql()`select id::text as id from releases where amount between 900 and 1000`),
    ).toHaveLength(1);
    expect(
      await expectList(
        'releases',
        { currency: 'USD', to: '2026-02-13' },
        sql()`select id::text as id from releases where as_of <= '2026-02-13' order by as_of desc, id desc`,
      ),
    ).toHaveLength(2);
    expect(
      await expectList(
        'releases',
        { controller: 'no', mode: 'automatic' },
        sql()`select id::text as id from releases where needs_controller = 'no' and release_mode = 'automatic' order by as_of desc, id desc`,
      ),
    ).toHaveLength(3);
    const own = await expectList('releases', {}, sql()`select id::text as id from releases where client_id = ${clientA.id}`, keys.client!);
    expect(own).toHaveLength(1);
    const { body } = await call('releases', {}, keys.client!);
    expect(body.items[0]).toMatchObject({ clientId: clientA.id, status: 'approved', amount: '1900.00', approvedAmount: '1900.00', asOf: '2026-02-13' });
    expect((await refusal('releases', { status: 'pending' })).details).toHaveProperty('status');
    expect((await refusal('releases', { from: '13/02/2026' })).details).toEqual({
      from: 'Release date from must be a real date written YYYY-MM-DD, such as 2026-03-31',
    });
  });

  it('pages, sorts and filters the cycles (staff only)', async () => {
    const all = await expectList('release-cycles', {}, sql()`select id::text as id from release_cycles order by id desc`);
    expect(all).toHaveLength(2);
    await expectList('release-cycles', { sort: 'date', order: 'asc' }, sql()`select id::text as id from release_cycles order by as_of, id`);
    expect(
      await expectList('release-cycles', { from: '2026-02-14' }, sql()`select id::text as id from release_cycles where as_of >= '2026-02-14'`),
    ).toHaveLength(1);
    expect(await expectList('release-cycles', { status: 'completed' }, sql()`select id::text as id from release_cycles order by id desc`)).toHaveLength(2);
    expect(await expectList('release-cycles', { status: 'failed' }, sql()`select id::text as id from release_cycles where false`)).toHaveLength(0);
    const { body } = await call('release-cycles', { sort: 'date', order: 'asc', limit: '1' }, keys.admin!);
    expect(body.items[0]).toMatchObject({ asOf: '2026-02-13', kind: 'ad_hoc', status: 'completed', clientsDue: 2, clientsDone: 2 });
    expect((await refusal('release-cycles', { kind: 'weekly' })).details).toEqual({ kind: 'Kind must be one of: scheduled, ad hoc' });
    expect((await call('release-cycles', {}, keys.client!)).status).toBe(403);
  });
});

describe('GET /api/v1/audit-events', () => {
  it('pages the chain newest first and filters by action, family, who, target and day', async () => {
    const all = (await sql()<{ n: number }[]>`select count(*)::int as n from audit_events`)[0]!.n;
    expect(all).toBeGreaterThan(20);
    const first = await call('audit-events', { limit: '5' }, keys.auditor!);
    expect(first.body.items.map((e) => e.id)).toEqual(
      (await sql()<{ id: string }[]>`select id::text as id from audit_events order by occurred_at desc, id desc limit 5`).map((r) => r.id),
    );
    expect(first.body.total).toBe(all);
    await expectList(
      'audit-events',
      { order: 'asc', action: 'payment.receive' },
      sql()`select id::text as id from audit_events where action = 'payment.receive' order by occurred_at, id`,
    );
    expect(
      await expectList(
        'audit-events',
        { action: 'release.' },
        sql()`select id::text as id from audit_events where action like 'release.%' order by occurred_at desc, id desc`,
      ),
    ).not.toHaveLength(0);
    expect(
      await expectList(
        'audit-events',
        { actor: team.collections.label },
        sql()`select id::text as id from audit_events where actor = ${team.collections.label} order by occurred_at desc, id desc`,
      ),
    ).not.toHaveLength(0);
    const [payment] = await sql()<{ id: string }[]>`select id::text as id from payments where status = 'applied' order by id limit 1`;
    expect(
      await expectList(
        'audit-events',
        { targetType: 'payment', targetId: payment!.id },
        sql()`select id::text as id from audit_events where target_type = 'payment' and target_id = ${payment!.id} order by occurred_at desc, id desc`,
      ),
    ).toHaveLength(2);
    expect(
      await expectList(
        'audit-events',
        { from: today, to: today, action: 'email.test' },
        sql()`select id::text as id from audit_events where action = 'email.test' order by occurred_at desc, id desc`,
      ),
    ).toHaveLength(2);
    expect(await expectList('audit-events', { to: '2020-01-01' }, sql()`select id::text as id from audit_events where false`)).toHaveLength(0);
    // the API's item: the chain's fields
    const { body } = await call('audit-events', { action: 'email.test', limit: '1' }, keys.admin!);
    expect(body.items[0]).toMatchObject({ actor: team.admin.label, role: 'admin', targetType: 'email', after: { to: 'second@factor.test' } });
    expect(body.items[0]!.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.items[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await refusal('audit-events', { targetId: '12' })).details).toEqual({ targetType: 'Target type is required with a target id (e.g. invoice)' });
    expect((await refusal('audit-events', { sort: 'action' })).details).toEqual({ sort: 'Sort must be one of: time' });
    expect((await call('audit-events', {}, keys.collections!)).status).toBe(403);
  });
});

describe('GET /api/v1/email-outbox', () => {
  it('pages newest first, sorts by next attempt, filters by status, kind and recipient', async () => {
    const all = await expectList('email-outbox', {}, sql()`select id::text as id from email_outbox order by id desc`);
    expect(all.length).toBeGreaterThanOrEqual(4); // the rebate advice, two test emails, the concentration alert's
    await expectList('email-outbox', { sort: 'next', order: 'asc' }, sql()`select id::text as id from email_outbox order by next_attempt_at, id`);
    expect(
      await expectList(
        'email-outbox',
        { template: 'test_message' },
        sql()`select id::text as id from email_outbox where template = 'test_message' order by id desc`,
      ),
    ).toHaveLength(2);
    expect(
      await expectList('email-outbox', { template: 'rebate_advice' }, sql()`select id::text as id from email_outbox where template = 'rebate_advice'`),
    ).toHaveLength(1);
    expect(await expectList('email-outbox', { to: 'SECOND@' }, sql()`select id::text as id from email_outbox where "to" = 'second@factor.test'`)).toHaveLength(
      1,
    );
    expect(
      await expectList('email-outbox', { status: 'pending' }, sql()`select id::text as id from email_outbox where status = 'pending' order by id desc`),
    ).toEqual(all);
    expect(await expectList('email-outbox', { status: 'sent' }, sql()`select id::text as id from email_outbox where false`)).toHaveLength(0);
    expect((await refusal('email-outbox', { template: 'welcome' })).details).toHaveProperty('template');
    expect((await call('email-outbox', {}, keys.auditor!)).status).toBe(200);
    expect((await call('email-outbox', {}, keys.collections!)).status).toBe(403);
  });
});

describe('GET /api/v1/concentration-alerts', () => {
  it('pages, sorts by share, filters open, client and debtor', async () => {
    const all = await expectList('concentration-alerts', {}, sql()`select id::text as id from concentration_alerts order by opened_at desc, id desc`);
    expect(all.length).toBeGreaterThanOrEqual(2);
    await expectList(
      'concentration-alerts',
      { sort: 'share', order: 'desc' },
      sql()`select id::text as id from concentration_alerts order by share desc, id desc`,
    );
    await expectList(
      'concentration-alerts',
      { status: 'open' },
      sql()`select id::text as id from concentration_alerts where status = 'open' order by opened_at desc, id desc`,
    );
    expect(
      await expectList(
        'concentration-alerts',
        { debtorId: debtor1.id },
        sql()`select id::text as id from concentration_alerts where debtor_id = ${debtor1.id} order by opened_at desc, id desc`,
      ),
    ).not.toHaveLength(0);
    await expectList(
      'concentration-alerts',
      { status: 'resolved' },
      sql()`select id::text as id from concentration_alerts where status = 'resolved' order by opened_at desc, id desc`,
    );
    await expectList(
      'concentration-alerts',
      { clientId: clientA.id },
      sql()`select id::text as id from concentration_alerts where client_id = ${clientA.id} order by opened_at desc, id desc`,
    );
    await expectList(
      'concentration-alerts',
      { scope: 'portfolio' },
      sql()`select id::text as id from concentration_alerts where scope = 'portfolio' order by opened_at desc, id desc`,
    );
    const { body } = await call('concentration-alerts', { sort: 'share', order: 'desc', limit: '1' }, keys.admin!);
    expect(body.items[0]!.sharePercent).toMatch(/^\d+(\.\d+)?%$/);
    expect((await refusal('concentration-alerts', { status: 'closed' })).details).toEqual({ status: 'Open or resolved must be one of: open, resolved' });
    expect((await call('concentration-alerts', {}, keys.client!)).status).toBe(403);
  });
});

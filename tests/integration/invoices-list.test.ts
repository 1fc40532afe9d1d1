import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { openDispute } from '../../lib/collections/disputes';
import { addDays, todayIn } from '../../lib/dates';
import { defaultSortOf, invoiceCsv, invoiceList } from '../../lib/invoices/list';
import { parseListRequest } from '../../lib/lists/keyset';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * Issue 13, the invoices list through GET /api/v1/invoices (lib/invoices/list.ts): on ~900 invoices
 * of three clients, three debtors, three currencies and every status, walking every page of every
 * sort in both orders gives exactly the order the sort means (computed here in JavaScript from the
 * rows, not by the same SQL); each filter keeps exactly the invoices it names; a client user's key
 * sees only its own client; bad filters are 400s naming the field; the CSV holds the filtered set;
 * and the kept counts (migration 0018's triggers) stay equal to count(*) through commands, bulk
 * statements and their folding.
 */

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Item {
  id: string;
  clientId: string;
  debtorId: string;
  client: { id: string; name: string };
  debtor: { id: string; name: string };
  number: string;
  currency: string;
  status: string;
  faceValue: string;
  advance: string;
  outstanding: string;
  issueDate: string;
  dueDate: string;
  fundingDate: string | null;
  settledDate: string | null;
  daysPastDue: number | null;
}
interface ListAnswer {
  items: Item[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalApproximate: boolean;
  sort: string;
  order: string;
  error?: { code: string; message: string; details: Record<string, string> };
}

/** What the database holds, read plainly (the expected orders and sets are computed from these). */
interface Row {
  id: number;
  number: string;
  clientId: string;
  clientName: string;
  debtorId: string;
  debtorName: string;
  currency: string;
  status: string;
  face: number;
  outstanding: number;
  issue: string;
  due: string;
  funded: string | null;
}

const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

let t: TestDatabase;
let team: Team;
let GET: Handler;
let staffKey: string;
let clientKey: string;
let clientUser: Actor;
let rows: Row[];
const ids: { a: string; b: string; c: string; d1: string; d2: string; d3: string } = { a: '', b: '', c: '', d1: '', d2: '', d3: '' };
const today = todayIn();

async function get(query: string, key: string = staffKey): Promise<{ status: number; body: ListAnswer; text: string; headers: Headers }> {
  const res = await GET(new Request(`http://holdback.test/api/v1/invoices${query}`, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({}),
  });
  const text = await res.text();
  let body = {} as ListAnswer;
  try {
    body = JSON.parse(text) as ListAnswer;
  } catch {
    /* CSV */
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** Every page of a list, following nextCursor; checks each page's total is the same. */
async function walk(params: Record<string, string>, key: string = staffKey): Promise<{ items: Item[]; total: number; approximate: boolean; pages: number }> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let total = -1;
  let approximate = false;
  let pages = 0;
  do {
    const q = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
    const { status, body } = await get(`?${q}`, key);
    expect(status, JSON.stringify(body.error)).toBe(200);
    if (total >= 0) expect(body.total).toBe(total);
    total = body.total;
    approximate = body.totalApproximate;
    items.push(...body.items);
    cursor = body.nextCursor;
    pages += 1;
  } while (cursor);
  return { items, total, approximate, pages };
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
/** The sort's meaning, in JavaScript: value ascending, then id ascending (desc: both reversed). */
const SORT_VALUE: Record<string, (r: Row) => string | number> = {
  id: (r) => r.id,
  number: (r) => r.number.toUpperCase(),
  client: (r) => r.clientName,
  debtor: (r) => r.debtorName,
  faceValue: (r) => r.face,
  outstanding: (r) => r.outstanding,
  issueDate: (r) => r.issue,
  dueDate: (r) => r.due,
  fundingDate: (r) => r.funded ?? '0001-01-01',
  status: (r) => r.status,
};

function expectedOrder(sort: string, order: 'asc' | 'desc', set: Row[] = rows): string[] {
  // days past due ascending: the latest due date first (the due date's order reversed, id too)
  const [key, dir] = sort === 'daysPastDue' ? (['dueDate', order === 'asc' ? 'desc' : 'asc'] as const) : ([sort, order] as const);
  const value = SORT_VALUE[key]!;
  const sorted = [...set].sort((x, y) => cmp(value(x), value(y)) || x.id - y.id);
  if (dir === 'desc') sorted.reverse();
  return sorted.map((r) => String(r.id));
}

const newestFirst = (set: Row[]) =>
  set
    .map((r) => r.id)
    .sort((x, y) => y - x)
    .map(String);

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  const a = await aClient(t.database, team, { name: 'Alder Freight' });
  const b = await aClient(t.database, team, { name: 'Birch Logistics' });
  const c = await aClient(t.database, team, { name: 'Cedar Exports', currency: 'EUR' });
  const d1 = await aDebtor(t.database, team);
  const d2 = await aDebtor(t.database, team);
  const d3 = await aDebtor(t.database, team);
  Object.assign(ids, { a: a.id, b: b.id, c: c.id, d1: d1.id, d2: d2.id, d3: d3.id });
  await t.admin.sql`update debtors set name = case id when ${d1.id} then 'Dunmore Retail' when ${d2.id} then 'Elm Wholesale' else 'Fir Markets' end
                     where id in (${d1.id}, ${d2.id}, ${d3.id})`;
  // Through the commands: submitted, verified, funded, funded then disputed (the triggers see each statement).
  await anInvoice(t.database, team, { client: a, debtor: d1, number: 'CMD-1', verified: false, issueDate: addDays(today, -3) });
  await anInvoice(t.database, team, { client: b, debtor: d2, number: 'CMD-2', issueDate: addDays(today, -3) });
  await aFundedInvoice(t.database, team, { client: a, debtor: d2, fundingDate: addDays(today, -2) });
  const disputed = await aFundedInvoice(t.database, team, { client: b, debtor: d3, fundingDate: addDays(today, -2) });
  await t.database.transaction((tx) => openDispute(tx, Number(disputed.id), { amount: '100.00', reason: 'Short shipment' }, team.collections));
  // And in bulk, as an import or the generator writes them: every status, three currencies, spread dates and amounts.
  await t.admin.sql`
    with s as (
      select g,
             (array[${a.id}, ${b.id}, ${c.id}]::bigint[])[1 + g % 3] as client_id,
             (array[${d1.id}, ${d2.id}, ${d3.id}]::bigint[])[1 + (g * 7 / 3) % 3] as debtor_id,
             case when g % 3 = 2 then 'EUR' when g % 15 = 1 then 'GBP' else 'USD' end as currency,
             case when g % 10 = 0 then 'NW-' || g when g % 10 = 1 then 'nw-' || g else 'L-' || g end as number,
             (1000 + (g * 7919) % 50000 + (g % 100) / 100.0)::numeric as face,
             ${today}::date - (g % 200) as issue,
             (array['submitted','verified','funded','funded','funded','disputed','settled','charged_back','written_off'])[1 + g % 9] as status
        from generate_series(1, 900) g)
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status, funding_date, outstanding, settled_date)
    select client_id, debtor_id, number, currency, face, issue, issue + 30 + (g % 3) * 15, status,
           case when status not in ('submitted', 'verified') then issue + 1 end,
           case when status in ('funded', 'disputed') then face - (g % 4) * 100 when status in ('submitted', 'verified') then null else 0 end,
           case when status in ('settled', 'charged_back', 'written_off') then issue + 40 end
      from s`;
  // Numbers whose LIKE characters must be taken literally by the "starts with" filter.
  await t.admin.sql`
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status)
    values (${a.id}, ${d1.id}, 'A_B-1', 'USD', 500, ${today}, ${addDays(today, 30)}, 'submitted'),
           (${a.id}, ${d1.id}, 'A%B-2', 'USD', 600, ${today}, ${addDays(today, 30)}, 'submitted'),
           (${a.id}, ${d1.id}, 'AXB-3', 'USD', 700, ${today}, ${addDays(today, 30)}, 'submitted')`;
  await t.admin.sql`analyze invoices`;
  rows = (
    await t.admin.sql<
      {
        id: string;
        number: string;
        client_id: string;
        client_name: string;
        debtor_id: string;
        debtor_name: string;
        currency: string;
        status: string;
        face: string;
        outstanding: string;
        issue: string;
        due: string;
        funded: string | null;
      }[]
    >`
      select i.id, i.number, i.client_id, c.name as client_name, i.debtor_id, d.name as debtor_name, i.currency, i.status,
             i.face_value::text as face, coalesce(i.outstanding, i.face_value)::text as outstanding, i.issue_date as issue, i.due_date as due, i.funding_date as funded
        from invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id`
  ).map((r) => ({
    id: Number(r.id),
    number: r.number,
    clientId: r.client_id,
    clientName: r.client_name,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    currency: r.currency,
    status: r.status,
    face: Number(r.face),
    outstanding: Number(r.outstanding),
    issue: r.issue,
    due: r.due,
    funded: r.funded,
  }));
  staffKey = (await t.database.transaction((tx) => createApiKey(tx, team.collections.userId!, 'test', team.collections))).key;
  clientUser = await aUser(t.database, 'client', { clientId: Number(b.id) });
  clientKey = (await t.database.transaction((tx) => createApiKey(tx, clientUser.userId!, 'test', clientUser))).key;
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.appUrl);
  await closeDatabase();
  GET = ((await import('../../app/api/v1/invoices/route')) as unknown as { GET: Handler }).GET;
}, 120_000);

afterAll(async () => {
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

describe('pages and sorts', () => {
  it('lists newest first by default, 50 a page, with an exact total and a way back', async () => {
    const first = await get('');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: rows.length, totalApproximate: false, sort: 'id', order: 'desc', prevCursor: null });
    expect(first.body.items.map((i) => i.id)).toEqual(newestFirst(rows).slice(0, 50));
    const second = await get(`?cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i) => i.id)).toEqual(newestFirst(rows).slice(50, 100));
    const back = await get(`?cursor=${second.body.prevCursor}`);
    expect(back.body.items.map((i) => i.id)).toEqual(newestFirst(rows).slice(0, 50));
    // The item: API.md's invoice fields, the names, the days past due.
    const cmd = (await walk({ number: 'CMD-2' })).items[0]!;
    expect(cmd).toEqual({
      id: expect.any(String),
      clientId: ids.b,
      debtorId: ids.d2,
      client: { id: ids.b, name: 'Birch Logistics' },
      debtor: { id: ids.d2, name: 'Elm Wholesale' },
      number: 'CMD-2',
      currency: 'USD',
      status: 'verified',
      faceValue: '10000.00',
      advance: '0.00',
      outstanding: '10000.00',
      issueDate: addDays(today, -3),
      dueDate: addDays(today, 56),
      fundingDate: null,
      settledDate: null,
      daysPastDue: null,
    });
  });

  for (const sort of ['id', 'number', 'client', 'debtor', 'faceValue', 'outstanding', 'issueDate', 'dueDate', 'fundingDate', 'daysPastDue', 'status']) {
    for (const order of ['asc', 'desc'] as const) {
      it(`walks every page sorted by ${sort} ${order}: each invoice once, in that order`, async () => {
        const all = await walk({ sort, order, limit: '200' });
        expect(all.items.map((i) => i.id)).toEqual(expectedOrder(sort, order));
        expect(all.pages).toBe(Math.ceil(rows.length / 200));
      });
    }
  }

  it('sorts a filtered set and pages it backwards to the start', async () => {
    const params = { sort: 'outstanding', order: 'desc', status: 'open', limit: '40' };
    const open = rows.filter((r) => r.status === 'funded' || r.status === 'disputed');
    const all = await walk(params);
    expect(all.items.map((i) => i.id)).toEqual(expectedOrder('outstanding', 'desc', open));
    // from the third page, Previous twice: the first page again
    const p1 = await get(`?${new URLSearchParams(params)}`);
    const p2 = await get(`?${new URLSearchParams({ ...params, cursor: p1.body.nextCursor! })}`);
    const p3 = await get(`?${new URLSearchParams({ ...params, cursor: p2.body.nextCursor! })}`);
    const b2 = await get(`?${new URLSearchParams({ ...params, cursor: p3.body.prevCursor! })}`);
    expect(b2.body.items).toEqual(p2.body.items);
    const b1 = await get(`?${new URLSearchParams({ ...params, cursor: b2.body.prevCursor! })}`);
    expect(b1.body.items).toEqual(p1.body.items);
    expect(b1.body.prevCursor).toBeNull();
  });
});

describe('filters', () => {
  const pastDue = (r: Row) => (r.status === 'funded' || r.status === 'disputed' ? Math.max(0, (Date.parse(today) - Date.parse(r.due)) / 86_400_000) : null);
  const cases: [string, Record<string, string>, (r: Row) => boolean][] = [
    ['status', { status: 'disputed' }, (r) => r.status === 'disputed'],
    ['status=open', { status: 'open' }, (r) => r.status === 'funded' || r.status === 'disputed'],
    ['clientId', { clientId: '' }, (r) => r.clientId === ids.c],
    ['debtorId', { debtorId: '' }, (r) => r.debtorId === ids.d2],
    ['currency', { currency: 'gbp' }, (r) => r.currency === 'GBP'],
    ['from/to (issue date)', { from: addDays(today, -60), to: addDays(today, -30) }, (r) => r.issue >= addDays(today, -60) && r.issue <= addDays(today, -30)],
    ['dueFrom/dueTo', { dueFrom: addDays(today, -20), dueTo: addDays(today, 5) }, (r) => r.due >= addDays(today, -20) && r.due <= addDays(today, 5)],
    [
      'fundedFrom/fundedTo',
      { fundedFrom: addDays(today, -100), fundedTo: addDays(today, -50) },
      (r) => r.funded !== null && r.funded >= addDays(today, -100) && r.funded <= addDays(today, -50),
    ],
    ['fundedTo alone (never the unfunded)', { fundedTo: addDays(today, -150) }, (r) => r.funded !== null && r.funded <= addDays(today, -150)],
    ['minDaysPastDue', { minDaysPastDue: '60' }, (r) => (pastDue(r) ?? -1) >= 60],
    ['maxDaysPastDue', { maxDaysPastDue: '10' }, (r) => pastDue(r) !== null && pastDue(r)! <= 10],
    ['min and max days past due', { minDaysPastDue: '30', maxDaysPastDue: '90' }, (r) => (pastDue(r) ?? -1) >= 30 && (pastDue(r) ?? 999) <= 90],
    ['minAmount/maxAmount (as typed, with a comma)', { minAmount: '10,000', maxAmount: '20000.50' }, (r) => r.face >= 10_000 && r.face <= 20_000.5],
    ['number starts with (any case)', { number: 'nw-1' }, (r) => r.number.toUpperCase().startsWith('NW-1')],
    ['number with LIKE characters taken literally', { number: 'a_b' }, (r) => r.number === 'A_B-1'],
    ['number with a percent sign', { number: 'A%' }, (r) => r.number === 'A%B-2'],
    [
      'status + client + currency + dates together',
      { status: 'open', clientId: '', currency: 'USD', from: addDays(today, -150) },
      (r) => (r.status === 'funded' || r.status === 'disputed') && r.clientId === ids.b && r.currency === 'USD' && r.issue >= addDays(today, -150),
    ],
  ];
  for (const [name, params, keep] of cases) {
    it(`${name}: exactly the invoices it names, with their count`, async () => {
      const p = { ...params };
      if ('clientId' in p) p.clientId = name.startsWith('status +') ? ids.b : ids.c;
      if ('debtorId' in p) p.debtorId = ids.d2;
      const expected = rows.filter(keep);
      expect(expected.length, 'the seeded set has invoices this filter keeps').toBeGreaterThan(0);
      expect(expected.length, 'and invoices it drops').toBeLessThan(rows.length);
      const all = await walk({ ...p, limit: '500' });
      // a range filter lists in its own order unless a sort is asked for (lib/invoices/list.ts defaultSortOf)
      const own = defaultSortOf(p);
      expect(all.items.map((i) => i.id)).toEqual(own ? expectedOrder(own.sort, own.order, expected) : newestFirst(expected));
      const newest = await walk({ ...p, sort: 'id', order: 'desc', limit: '500' });
      expect(newest.items.map((i) => i.id)).toEqual(newestFirst(expected));
      expect(all.total).toBe(expected.length);
      expect(all.approximate).toBe(false);
    });
  }

  it('days past due: open invoices only, today − due date in FACTOR_TIMEZONE, never below 0', async () => {
    const all = await walk({ status: 'open', limit: '500' });
    for (const item of all.items) {
      const expected = Math.max(0, (Date.parse(today) - Date.parse(item.dueDate)) / 86_400_000);
      expect(item.daysPastDue).toBe(expected);
    }
    const closed = await walk({ status: 'settled', limit: '500' });
    expect(closed.items.every((i) => i.daysPastDue === null)).toBe(true);
    // a closed invoice is never past due, whatever it was due
    expect(closed.items.length).toBeGreaterThan(0);
    expect((await walk({ status: 'settled', minDaysPastDue: '0' })).items).toEqual([]);
    expect((await walk({ status: 'disputed', minDaysPastDue: '0' })).total).toBe(rows.filter((r) => r.status === 'disputed').length);
  });

  it('a client user’s key lists only its own client’s invoices, whatever it asks for', async () => {
    const own = rows.filter((r) => r.clientId === ids.b);
    const mine = await walk({ limit: '500' }, clientKey);
    expect(mine.items.map((i) => i.id)).toEqual(newestFirst(own));
    expect(mine.total).toBe(own.length);
    const theirs = await walk({ clientId: ids.a }, clientKey);
    expect(theirs.items).toEqual([]);
    expect(theirs.total).toBe(0);
    const sorted = await walk({ sort: 'client', limit: '500', status: 'open' }, clientKey);
    expect(sorted.items.length).toBeGreaterThan(0);
    expect(sorted.items.every((i) => i.clientId === ids.b)).toBe(true);
    const csv = await get(`?format=csv&clientId=${ids.a}`, clientKey);
    expect(csv.text.trimEnd().split('\r\n')).toHaveLength(1);
    const ownCsv = await get('?format=csv', clientKey);
    expect(ownCsv.text.trimEnd().split('\r\n')).toHaveLength(own.length + 1);
  });

  it('refuses a bad filter, sort or format with a 400 naming the field', async () => {
    const refused = async (query: string) => {
      const { status, body } = await get(query);
      expect(status, query).toBe(400);
      return body.error!.details;
    };
    expect(await refused('?status=paid')).toEqual({ status: expect.stringContaining('Status must be one of') });
    expect(await refused('?clientId=abc')).toEqual({ clientId: 'Client must be a whole number such as 12' });
    expect(await refused('?debtorId=-1')).toHaveProperty('debtorId');
    expect(await refused('?currency=XYZ')).toHaveProperty('currency');
    expect(await refused('?from=2026-02-30')).toEqual({ from: 'Issued from must be a real date written YYYY-MM-DD, such as 2026-03-31' });
    expect(await refused('?dueTo=soon')).toHaveProperty('dueTo');
    expect(await refused('?fundedFrom=2026-13-01')).toHaveProperty('fundedFrom');
    expect(await refused('?minDaysPastDue=ten')).toHaveProperty('minDaysPastDue');
    expect(await refused('?minAmount=-5')).toHaveProperty('minAmount');
    expect(await refused('?maxAmount=1e5')).toHaveProperty('maxAmount');
    expect(await refused('?from=2026-03-01&to=2026-02-01')).toEqual({ to: 'Issued to must not be before Issued from' });
    expect(await refused('?minAmount=500&maxAmount=100')).toEqual({ maxAmount: 'Maximum face value must not be less than the minimum' });
    expect(await refused('?sort=password')).toHaveProperty('sort');
    expect(await refused('?order=sideways')).toHaveProperty('order');
    expect(await refused('?limit=501')).toHaveProperty('limit');
    expect(await refused('?format=xml')).toEqual({ format: 'Format must be json or csv' });
    expect(await refused('?number=%00x')).toHaveProperty('number');
  });
});

describe('CSV export', () => {
  it('streams the whole filtered set in the list order: its rows are the filtered total', async () => {
    const params = { status: 'open', currency: 'USD', sort: 'dueDate', order: 'asc' };
    const page = await get(`?${new URLSearchParams(params)}`);
    const res = await get(`?${new URLSearchParams({ ...params, format: 'csv' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="invoices-${today}.csv"`);
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Id,Number,Client id,Client,Debtor id,Debtor,Currency,Face value,Advance,Outstanding,Status,Issued,Due,Funded,Settled,Days past due');
    expect(lines.length - 1).toBe(page.body.total);
    const expected = expectedOrder(
      'dueDate',
      'asc',
      rows.filter((r) => (r.status === 'funded' || r.status === 'disputed') && r.currency === 'USD'),
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected);
    const all = await get('?format=csv');
    expect(all.text.trimEnd().split('\r\n')).toHaveLength(rows.length + 1);
  });

  it('reads the set in keyset batches: small batches over a joined sort and a reversed one give the same file', async () => {
    for (const [sort, order] of [
      ['client', 'desc'],
      ['daysPastDue', 'asc'],
      ['number', 'asc'],
    ] as const) {
      const request = parseListRequest(invoiceList, { sort, order, status: 'open' });
      const staff = { ...team.collections };
      const small = await new Response(invoiceCsv(t.database.sql, staff, request, today, { batch: 37 })).text();
      const whole = await new Response(invoiceCsv(t.database.sql, staff, request, today, { batch: 5_000 })).text();
      expect(small).toBe(whole);
      const open = rows.filter((r) => r.status === 'funded' || r.status === 'disputed');
      expect(
        small
          .trimEnd()
          .split('\r\n')
          .slice(1)
          .map((l) => l.split(',')[0]),
      ).toEqual(expectedOrder(sort, order, open));
    }
  });
});

describe('the kept counts (migration 0018)', () => {
  async function drift(): Promise<{ byStatus: unknown[]; byClient: unknown[] }> {
    const byStatus = await t.admin.sql`
      select coalesce(k.status, i.status) as status, coalesce(k.currency, i.currency) as currency, k.n as kept, i.n as counted
        from (select status, currency, sum(n)::int as n from invoice_status_counts group by 1, 2) k
        full join (select status, currency, count(*)::int as n from invoices group by 1, 2) i on i.status = k.status and i.currency = k.currency
       where k.n is distinct from i.n and coalesce(k.n, 0) + coalesce(i.n, 0) <> 0`;
    const byClient = await t.admin.sql`
      select coalesce(k.client_id, i.client_id) as client_id, coalesce(k.status, i.status) as status, k.n as kept, i.n as counted
        from (select client_id, status, sum(n)::int as n from invoice_client_counts group by 1, 2) k
        full join (select client_id, status, count(*)::int as n from invoices group by 1, 2) i on i.client_id = k.client_id and i.status = k.status
       where k.n is distinct from i.n and coalesce(k.n, 0) + coalesce(i.n, 0) <> 0`;
    return { byStatus: [...byStatus], byClient: [...byClient] };
  }

  it('equal count(*) by status, currency and client after commands and bulk statements', async () => {
    expect(await drift()).toEqual({ byStatus: [], byClient: [] });
  });

  it('stay equal through many small statements, folded into a few rows; an update that changes no status writes nothing', async () => {
    const [before] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from invoice_client_counts`;
    await t.admin.sql`update invoices set outstanding = outstanding where status = 'funded'`;
    const [after] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from invoice_client_counts`;
    expect(after!.n).toBe(before!.n);
    // 100 statements, each moving one invoice of client A from settled to written_off or back
    const moving = rows.filter((r) => r.clientId === ids.a && r.status === 'settled').slice(0, 50);
    for (const r of moving) {
      await t.admin.sql`update invoices set status = 'written_off' where id = ${r.id}`;
      await t.admin.sql`update invoices set status = 'settled' where id = ${r.id}`;
    }
    const [status] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from invoice_status_counts`;
    const [client] = await t.admin.sql<{ n: number }[]>`select count(*)::int as n from invoice_client_counts where client_id = ${ids.a}`;
    expect(status!.n).toBeLessThanOrEqual(65);
    expect(client!.n).toBeLessThanOrEqual(17);
    expect(await drift()).toEqual({ byStatus: [], byClient: [] });
    const list = await get('');
    expect(list.body.total).toBe(rows.length);
    await t.admin.sql`insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status)
                      select client_id, debtor_id, 'RE-' || number, currency, face_value, issue_date, due_date, status from invoices where id = ${moving[1]!.id}`;
    expect(await drift()).toEqual({ byStatus: [], byClient: [] });
  });
});

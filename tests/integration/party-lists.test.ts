import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { ClientView } from '../../lib/clients';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { updateDebtor, type DebtorView } from '../../lib/debtors';
import { approveDebtorMerge, requestDebtorMerge } from '../../lib/debtors/merge';
import { Big, formatMoney } from '../../lib/money';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

vi.mock('server-only', () => ({}));

/**
 * Issue 13: GET /api/v1/clients and GET /api/v1/debtors on the keyset engine — every sort walked
 * page by page in both orders against the order computed here from the tables themselves (balances
 * from the journal lines, exposure from the invoices), filters, exact totals, the streamed CSV, and
 * a client user's key seeing its own client and its own debtors only.
 */
let t: TestDatabase;
let team: Team;
const clients: ClientView[] = [];
const debtors: DebtorView[] = [];
let staffKey: string;
let clientKey: string;
let merged: DebtorView;
const saved: Record<string, string | undefined> = {};
const tx = <T>(fn: Parameters<typeof t.database.transaction<T>>[0]) => t.database.transaction(fn);

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  const names = ['Acme Freight', 'acme foods', 'Bolt Logistics', 'Cobalt Haulage', 'Delta Mills', 'Echo Parts', 'Foxtrot_Supply', 'Golf 100% Ltd'];
  for (const [n, name] of names.entries()) {
    clients.push(
      await aClient(t.database, team, {
        name,
        currency: n % 4 === 3 ? 'EUR' : 'USD',
        status: n === 5 ? 'prospect' : 'active',
      }),
    );
  }
  for (const limit of ['50000.00', '20000.00', '120000.00', '20000.00', '75000.00', '5000.00'])
    debtors.push(await aDebtor(t.database, team, { creditLimit: limit }));
  // Invoices: faces vary so balances and exposures differ; some paid.
  const plan: [number, number, string][] = [
    [0, 0, '9000.00'],
    [0, 1, '3000.00'],
    [1, 1, '7000.00'],
    [2, 2, '15000.00'],
    [3, 0, '4000.00'],
    [3, 3, '2500.00'],
    [4, 4, '6000.00'],
    [6, 2, '1200.00'],
    [7, 1, '500.00'],
  ];
  const funded: { id: string }[] = [];
  for (const [c, d, face] of plan) funded.push(await aFundedInvoice(t.database, team, { client: clients[c]!, debtor: debtors[d]!, faceValue: face }));
  const payment = await tx((x) =>
    receivePayment(x, { amount: '1000.00', currency: 'USD', receivedDate: '2026-02-01', payerName: 'P', reference: 'r' }, team.collections),
  );
  await tx((x) => applyPayment(x, Number(payment.id), { allocations: [{ invoiceId: funded[2]!.id, amount: '1000.00' }] }, team.collections));
  await anInvoice(t.database, team, { client: clients[4]!, debtor: debtors[5]!, verified: false });
  // Lowered below what it owes once funded (a funding over the limit would have been held).
  await tx((x) => updateDebtor(x, Number(debtors[1]!.id), { creditLimit: '8000.00' }, team.underwriter));
  // One debtor merged away: the list hides it unless asked.
  merged = await aDebtor(t.database, team);
  const m = await tx((x) => requestDebtorMerge(x, Number(merged.id), { intoDebtorId: debtors[5]!.id, reason: 'dupe' }, team.underwriter));
  await tx((x) => approveDebtorMerge(x, Number(m.id), team.approver));

  staffKey = (await tx((x) => createApiKey(x, team.collections.userId!, 'test', team.collections))).key;
  const clientUser = await aUser(t.database, 'client', { clientId: Number(clients[0]!.id) });
  clientKey = (await tx((x) => createApiKey(x, clientUser.userId!, 'test', clientUser))).key;
  for (const [name, value] of [
    ['DATABASE_URL', t.url],
    ['APP_DATABASE_URL', t.url],
  ] as const) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  await closeDatabase();
}, 300_000);

afterAll(async () => {
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await t?.drop();
});

async function get(list: 'clients' | 'debtors', query: Record<string, string>, key = staffKey) {
  const { GET } = list === 'clients' ? await import('../../app/api/v1/clients/route') : await import('../../app/api/v1/debtors/route');
  const res = await GET(new Request(`http://holdback.test/api/v1/${list}?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({}),
  });
  return res;
}

async function page(list: 'clients' | 'debtors', query: Record<string, string>, key = staffKey) {
  const res = await get(list, query, key);
  const body = (await res.json()) as {
    items: Record<string, unknown>[];
    nextCursor: string | null;
    prevCursor: string | null;
    total: number;
    totalApproximate: boolean;
  };
  return { status: res.status, ...body };
}

/** Every page, following nextCursor; then back again with prevCursor, which must give the same pages. */
async function walk(list: 'clients' | 'debtors', query: Record<string, string>, key = staffKey) {
  const pages: { ids: string[]; prev: string | null }[] = [];
  let cursor: string | null = null;
  let total = -1;
  do {
    const p = await page(list, cursor ? { ...query, cursor } : query, key);
    expect(p.status).toBe(200);
    total = p.total;
    expect(p.totalApproximate).toBe(false);
    pages.push({ ids: p.items.map((i) => i.id as string), prev: p.prevCursor });
    cursor = p.nextCursor;
  } while (cursor);
  for (let i = pages.length - 1; i > 0; i -= 1) {
    const back = await page(list, { ...query, cursor: pages[i]!.prev! }, key);
    expect(back.items.map((x) => x.id)).toEqual(pages[i - 1]!.ids);
  }
  const ids = pages.flatMap((p) => p.ids);
  expect(total).toBe(ids.length);
  return ids;
}

const byThenId = <R extends { id: string }>(rows: R[], key: (r: R) => Big | string, order: 'asc' | 'desc') =>
  [...rows]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = typeof ka === 'string' ? (ka < (kb as string) ? -1 : ka > (kb as string) ? 1 : 0) : ka.cmp(kb as Big);
      return (order === 'asc' ? 1 : -1) * (c || Number(a.id) - Number(b.id));
    })
    .map((r) => r.id);

describe('GET /api/v1/clients', () => {
  async function truth() {
    // Home-currency balances from the journal lines themselves.
    const rows = await t.admin.sql<{ id: string; name: string; status: string; currency: string; reserve: string; receivable: string }[]>`
      select c.id::text, c.name, c.status, c.currency,
             coalesce((select -sum(l.amount) from journal_lines l join ledger_accounts a on a.id = l.account_id
                        where a.client_id = c.id and a.code = 'reserve' and a.currency = c.currency), 0) as reserve,
             coalesce((select sum(l.amount) from journal_lines l join ledger_accounts a on a.id = l.account_id
                        where a.client_id = c.id and a.code = 'receivable' and a.currency = c.currency), 0) as receivable
        from clients c`;
    return rows;
  }

  it('walks every sort, both orders, page by page, in the order the tables give', async () => {
    const rows = await truth();
    const keys: Record<string, (r: (typeof rows)[number]) => Big | string> = {
      added: (r) => new Big(r.id),
      name: (r) => r.name.toLowerCase(),
      status: (r) => r.status,
      currency: (r) => r.currency,
      openReceivables: (r) => new Big(r.receivable),
      reserveHeld: (r) => new Big(r.reserve),
    };
    for (const [sort, key] of Object.entries(keys)) {
      for (const order of ['asc', 'desc'] as const) {
        expect(await walk('clients', { sort, order, limit: '3' }), `${sort} ${order}`).toEqual(byThenId(rows, key, order));
      }
    }
  });

  it('answers each row with its kept balances, open invoices, model and risk score', async () => {
    const p = await page('clients', { sort: 'reserveHeld', order: 'desc', limit: '1' });
    const top = (await truth()).sort((a, b) => new Big(b.reserve).cmp(a.reserve))[0]!;
    expect(p.items[0]).toMatchObject({
      id: top.id,
      reserveHeld: formatMoney(new Big(top.reserve), top.currency),
      openReceivables: formatMoney(new Big(top.receivable), top.currency),
      model: 'recourse',
      balances: [{ currency: top.currency, reserveHeld: formatMoney(new Big(top.reserve), top.currency) }],
    });
    const acme = (await page('clients', { name: 'Acme Freight' })).items[0]!;
    expect(acme).toMatchObject({ name: 'Acme Freight', openInvoices: 2, openReceivables: '12000.00' });
  });

  it('filters by name (contains, any case, % and _ literal), status and currency, with exact totals', async () => {
    expect((await page('clients', { name: 'acme' })).items.map((i) => i.name)).toEqual(['acme foods', 'Acme Freight']); // by name, any case
    expect((await page('clients', { name: '100%' })).items.map((i) => i.name)).toEqual(['Golf 100% Ltd']);
    expect((await page('clients', { name: 't_s' })).items.map((i) => i.name)).toEqual(['Foxtrot_Supply']);
    expect(await page('clients', { status: 'prospect' })).toMatchObject({ total: 1, items: [{ name: 'Echo Parts' }] });
    const eur = await page('clients', { currency: 'EUR', sort: 'name' });
    expect(eur.total).toBe(2);
    expect(eur.items.map((i) => i.currency)).toEqual(['EUR', 'EUR']);
    const bad = await get('clients', { sort: 'password' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { details: { sort: 'Sort must be one of: added, name, status, currency, openReceivables, reserveHeld' } },
    });
  });

  it('streams the whole filtered set as CSV, in the list order', async () => {
    const res = await get('clients', { format: 'csv', currency: 'USD', sort: 'name' });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Id,Client,Status,Currency,Open receivables,Reserve held');
    const expected = byThenId(
      (await truth()).filter((r) => r.currency === 'USD'),
      (r) => r.name.toLowerCase(),
      'asc',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected);
  });

  it("lists a client user's own client only", async () => {
    const own = await page('clients', {}, clientKey);
    expect(own).toMatchObject({ total: 1, items: [{ id: clients[0]!.id }] });
    expect(await page('clients', { name: 'Bolt' }, clientKey)).toMatchObject({ total: 0, items: [] });
  });
});

describe('GET /api/v1/debtors', () => {
  async function truth() {
    const rows = await t.admin.sql<{ id: string; name: string; credit_limit: string; merged: boolean }[]>`
      select id::text, name, credit_limit, merged_into_id is not null as merged from debtors`;
    const open = await t.admin.sql<{ debtor_id: string; client_id: string; currency: string; n: number; owed: string }[]>`
      select debtor_id::text, client_id::text, currency, count(*)::int as n, sum(outstanding) as owed
        from invoices where status in ('funded', 'disputed') group by debtor_id, client_id, currency`;
    return rows.map((r) => {
      const mine = open.filter((o) => o.debtor_id === r.id);
      const perCurrency = new Map<string, Big>();
      for (const o of mine) perCurrency.set(o.currency, (perCurrency.get(o.currency) ?? new Big(0)).plus(o.owed));
      const largest = [...perCurrency.values()].reduce((m, v) => (v.gt(m) ? v : m), new Big(0));
      return { ...r, open: mine.reduce((n, o) => n + o.n, 0), largest, perCurrency, mine };
    });
  }

  it('walks every sort, both orders, page by page; merged debtors hidden unless asked', async () => {
    const rows = (await truth()).filter((r) => !r.merged);
    const keys: Record<string, (r: (typeof rows)[number]) => Big | string> = {
      added: (r) => new Big(r.id),
      name: (r) => r.name.toLowerCase(),
      creditLimit: (r) => new Big(r.credit_limit),
      exposure: (r) => r.largest,
      openInvoices: (r) => new Big(r.open),
    };
    for (const [sort, key] of Object.entries(keys)) {
      for (const order of ['asc', 'desc'] as const) {
        expect(await walk('debtors', { sort, order, limit: '2' }), `${sort} ${order}`).toEqual(byThenId(rows, key, order));
      }
    }
    expect((await page('debtors', { status: 'merged' })).items.map((i) => i.id)).toEqual([merged.id]);
    expect((await page('debtors', { status: 'merged' })).items[0]).toMatchObject({ mergedIntoId: debtors[5]!.id });
    expect((await page('debtors', { status: 'all' })).total).toBe(rows.length + 1);
  });

  it('answers each debtor with its exposure per currency (from the invoices) and whether it is over its limit', async () => {
    const rows = await truth();
    const p = await page('debtors', { sort: 'exposure', order: 'desc', limit: '50' });
    for (const item of p.items) {
      const r = rows.find((x) => x.id === item.id)!;
      expect(item).toMatchObject({
        name: r.name,
        creditLimit: formatMoney(new Big(r.credit_limit), 'USD'),
        openInvoices: r.open,
        exposure: [...r.perCurrency.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, amount]) => ({ currency, amount: formatMoney(amount, currency) })),
        overLimit: r.largest.gt(r.credit_limit),
      });
    }
    // debtor 1 owes 3,000 + 6,000 (7,000 less 1,000 paid) USD against an 8,000 limit, and 500 EUR (client 7's home currency), never added to it
    expect(p.items.find((i) => i.id === debtors[1]!.id)).toMatchObject({
      overLimit: true,
      exposure: [
        { currency: 'EUR', amount: '500.00' },
        { currency: 'USD', amount: '9000.00' },
      ],
    });
  });

  it('filters by over the limit, open invoices and name', async () => {
    const rows = (await truth()).filter((r) => !r.merged);
    expect((await page('debtors', { overLimit: 'true', sort: 'name' })).items.map((i) => i.id)).toEqual(
      byThenId(
        rows.filter((r) => r.largest.gt(r.credit_limit)),
        (r) => r.name.toLowerCase(),
        'asc',
      ),
    );
    const none = await page('debtors', { hasOpenInvoices: 'false' });
    expect(none.items.map((i) => i.id).sort()).toEqual(
      rows
        .filter((r) => r.open === 0)
        .map((r) => r.id)
        .sort(),
    );
    expect(none.total).toBe(rows.filter((r) => r.open === 0).length);
    expect((await page('debtors', { name: debtors[2]!.name.slice(-6).toUpperCase() })).items.map((i) => i.id)).toEqual([debtors[2]!.id]);
    const bad = await get('debtors', { overLimit: 'maybe' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { details: { overLimit: 'Over its credit limit must be one of: true, false' } } });
  });

  it('streams the CSV of the filtered set', async () => {
    const res = await get('debtors', { format: 'csv', hasOpenInvoices: 'true', sort: 'exposure', order: 'desc' });
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Id,Debtor,Credit limit (USD),Risk rating,Open invoices,Invoices,Exposure,Merged into');
    const rows = (await truth()).filter((r) => !r.merged && r.open > 0);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(byThenId(rows, (r) => r.largest, 'desc'));
    expect(lines.find((l) => l.startsWith(`${debtors[1]!.id},`))).toContain('EUR 500.00; USD 9000.00');
  });

  it('gives a client user its own debtors only, with its own figures and no credit limits', async () => {
    const own = await page('debtors', { sort: 'exposure', order: 'desc' }, clientKey);
    // Client 0 has invoices with debtors 0 (9,000) and 1 (3,000); debtor 0 also owes 4,000 to client 3 — not shown.
    expect(own.total).toBe(2);
    expect(own.items).toEqual([
      expect.objectContaining({ id: debtors[0]!.id, exposure: [{ currency: 'USD', amount: '9000.00' }], openInvoices: 1, creditLimit: null, overLimit: null }),
      expect.objectContaining({ id: debtors[1]!.id, exposure: [{ currency: 'USD', amount: '3000.00' }], openInvoices: 1, creditLimit: null, riskRating: null }),
    ]);
    const bad = await get('debtors', { sort: 'creditLimit' }, clientKey);
    expect(bad.status).toBe(400);
    // A staff cursor is not a client user's (another list).
    const staffPage = await page('debtors', { limit: '1' });
    expect((await get('debtors', { limit: '1', cursor: staffPage.nextCursor! }, clientKey)).status).toBe(400);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import { systemActor, type Actor } from '../../lib/auth/actor';
import { addDays } from '../../lib/dates';
import { clientLedger, post, type EntryInput } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { createApiKey } from '../../lib/users';
import { aClient, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The route handler imports 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));

/**
 * GET /clients/{id}/ledger a page at a time (API.md pagination): every page joined is the whole
 * ledger with the same running balances as one read, whatever the page size; openings at `from`
 * from either end of the account; cursors that cannot be edited or reused for another ledger.
 */
let t: TestDatabase;
let team: Team;
let poster: Actor;
const databaseUrlBefore = process.env.DATABASE_URL;

beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
  poster = systemActor('test');
  process.env.DATABASE_URL = t.url;
});
afterAll(async () => {
  await closeDatabase();
  if (databaseUrlBefore === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = databaseUrlBefore;
  await t?.drop();
});

/** One entry on a day: client_due, reserve and fees_receivable lines in USD or EUR, balanced by cash. */
function entry(clientId: number, n: number, date: string): EntryInput {
  const currency = n % 5 === 0 ? 'EUR' : 'USD';
  const a = new Big(n % 7 === 0 ? -(n + 0.25) : n + 0.25);
  const b = new Big(-(n % 3) - 1);
  const lines: EntryInput['lines'] = [
    { account: 'client_due', currency, clientId, amount: a },
    { account: 'reserve', currency, clientId, amount: b },
    { account: 'cash', currency, amount: a.plus(b).times(-1) },
  ];
  if (n % 4 === 0) {
    lines.push({ account: 'fees_receivable', currency, clientId, amount: new Big('0.37') }, { account: 'fee_income', currency, amount: new Big('-0.37') });
  }
  return { effectiveDate: date, kind: 'test_page', idempotencyKey: `page-${clientId}-${n}`, clientId, lines };
}

/** The ledger as one query computes it (a window over every line): the reference for the pages. */
async function reference(clientId: number, from: string | null, to: string | null) {
  const rows = await t.database.sql<{ id: string; running: string; amount: string; code: string; effective_date: string }[]>`
    select * from (
      select l.id, l.entry_id, l.amount, a.code, l.effective_date,
             sum(l.amount) over (partition by l.account_id order by l.effective_date, l.entry_id, l.id) as running
        from journal_lines l join ledger_accounts a on a.id = l.account_id
       where a.client_id = ${clientId} and (${to}::date is null or l.effective_date <= ${to}::date)) x
     where ${from}::date is null or x.effective_date >= ${from}::date
     order by x.effective_date, x.entry_id, x.id`;
  const natural = (code: string, v: string) => (['reserve', 'client_payable'].includes(code) ? new Big(v).times(-1) : new Big(v));
  return rows.map((r) => [r.id, r.effective_date, formatMoney(natural(r.code, r.running), 'USD')]);
}

async function allPages(clientId: number, range: { from?: string; to?: string }, limit: number) {
  const seen: (string | number)[][] = [];
  let cursor: string | null = null;
  let pages = 0;
  let total = -1;
  do {
    const page = await clientLedger(t.database, clientId, { ...range, limit, cursor });
    expect(page.lines.length).toBeLessThanOrEqual(limit);
    if (total < 0) total = page.total;
    else expect(page.total).toBe(total);
    for (const l of page.lines) seen.push([String(l.lineId), l.effectiveDate, formatMoney(l.runningBalance, 'USD')]);
    cursor = page.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(500);
  } while (cursor);
  return { seen, pages, total };
}

describe('the client ledger, a page at a time', () => {
  let clientId: number;
  beforeAll(async () => {
    const client = await aClient(t.database, team);
    clientId = Number(client.id);
    // 60 entries over 20 days, several a day (in an order that is not the date order), 2 currencies.
    await t.database.transaction(async (tx) => {
      for (let n = 1; n <= 60; n += 1) await post(tx, entry(clientId, n, addDays('2026-02-01', (n * 7) % 20)), poster);
    });
  });

  it('joins its pages into exactly the whole ledger with the same running balances, for any page size', async () => {
    const whole = await reference(clientId, null, null);
    expect(whole).toHaveLength(135); // 60 entries × client_due and reserve, and 15 with a fee line
    for (const limit of [1, 7, 50, 500]) {
      const { seen, pages, total } = await allPages(clientId, {}, limit);
      expect(seen).toEqual(whole);
      expect(total).toBe(whole.length);
      expect(pages).toBe(Math.ceil(whole.length / limit));
    }
  });

  it('carries the opening balance in at `from`, counted from either end of the account, and stops at `to`', async () => {
    for (const [from, to] of [
      ['2026-02-03', '2026-02-12'], // early: summed from the start
      ['2026-02-17', '2026-02-20'], // late: the balance less what follows
      ['2026-02-11', '2026-02-11'],
      ['2026-03-01', '2026-03-31'], // after every line
    ] as const) {
      const expected = await reference(clientId, from, to);
      const { seen, total } = await allPages(clientId, { from, to }, 9);
      expect(seen).toEqual(expected);
      expect(total).toBe(expected.length);
    }
    const first = await clientLedger(t.database, clientId, { from: '2026-02-17', to: '2026-02-20', limit: 5 });
    const [opening] = await t.database.sql<{ total: string }[]>`
      select coalesce(sum(l.amount), 0) as total from journal_lines l join ledger_accounts a on a.id = l.account_id
       where a.client_id = ${clientId} and a.code = 'client_due' and a.currency = 'USD' and l.effective_date < '2026-02-17'`;
    expect(formatMoney(first.openings.find((o) => o.account === 'client_due' && o.currency === 'USD')!.balance, 'USD')).toBe(
      formatMoney(new Big(opening!.total), 'USD'),
    );
  });

  it('refuses `from` after `to`, an edited cursor, and a cursor of another ledger or range (400)', async () => {
    await expect(clientLedger(t.database, clientId, { from: '2026-02-10', to: '2026-02-01' })).rejects.toMatchObject({
      status: 400,
      details: { to: 'must not be before from' },
    });
    const page = await clientLedger(t.database, clientId, { limit: 3 });
    const cursor = page.nextCursor!;
    const [payload, sig] = cursor.split('.');
    const edited = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    edited.b = Object.fromEntries(Object.keys(edited.b).map((k) => [k, '1000000']));
    const forged = `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${sig}`;
    await expect(clientLedger(t.database, clientId, { limit: 3, cursor: forged })).rejects.toMatchObject({
      status: 400,
      details: { cursor: 'unknown cursor' },
    });
    await expect(clientLedger(t.database, clientId, { limit: 3, cursor: 'garbage' })).rejects.toMatchObject({ status: 400 });
    await expect(clientLedger(t.database, clientId, { limit: 3, cursor, from: '2026-02-05' })).rejects.toMatchObject({
      status: 400,
      details: { cursor: 'for another client or range' },
    });
    const other = await aClient(t.database, team);
    await expect(clientLedger(t.database, Number(other.id), { limit: 3, cursor })).rejects.toMatchObject({ status: 400 });
  });

  it('GET /clients/{id}/ledger answers {"items","nextCursor","total"}, honours limit and cursor, and refuses from > to', async () => {
    const { GET } = await import('../../app/api/v1/clients/[id]/ledger/route');
    const key = (await t.database.transaction((x) => createApiKey(x, team.controller.userId!, 'test', team.controller))).key;
    const get = async (query: string, as = key) => {
      const res = await GET(new Request(`http://holdback.test/api/v1/clients/${clientId}/ledger${query}`, { headers: { authorization: `Bearer ${as}` } }), {
        params: Promise.resolve({ id: String(clientId) }),
      } as never);
      return {
        status: res.status,
        body: (await res.json()) as {
          items: { id: string; runningBalance: string }[];
          lines: unknown[];
          nextCursor: string | null;
          total: number;
          error?: { code: string; details: Record<string, string> };
        },
      };
    };
    const whole = await reference(clientId, null, null);
    const first = await get('?limit=4');
    expect(first.status).toBe(200);
    expect(first.body.items.map((i) => i.id)).toEqual(whole.slice(0, 4).map((w) => w[0]));
    expect(first.body.lines).toEqual(first.body.items);
    expect(first.body.total).toBe(whole.length);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`?limit=4&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(second.body.items.map((i) => [i.id, i.runningBalance])).toEqual(whole.slice(4, 8).map((w) => [w[0], w[2]]));
    expect((await get('')).body.items).toHaveLength(50); // API.md: 50 by default
    const backwards = await get('?from=2026-02-10&to=2026-02-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toMatchObject({ code: 'invalid_input', details: { to: 'must not be before from' } });
    expect((await get('?limit=501')).status).toBe(400);
    expect((await get('?limit=0')).body.error!.details).toEqual({ limit: 'from 1 to 500' });
    expect((await get('?cursor=abc')).status).toBe(400);
    // a client user reads its own ledger, and no other
    const clientUser = await aUser(t.database, 'client', { clientId });
    const clientKey = (await t.database.transaction((x) => createApiKey(x, clientUser.userId!, 'test', clientUser))).key;
    expect((await get('?limit=1', clientKey)).status).toBe(200);
  });
});

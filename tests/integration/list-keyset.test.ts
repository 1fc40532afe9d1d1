import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { DomainError } from '../../lib/errors';
import { csvStream, keysetPage, parseListRequest, filterSchema, type ListDefinition, type ListQuery, type ListRequest } from '../../lib/lists/keyset';
import { businessDate, choice, optional } from '../../lib/validation/fields';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 13, the list engine (lib/lists/keyset.ts) on a table of 7,000 rows with many equal sort
 * values: walking every page forwards and backwards, in every sort and order, visits each row
 * exactly once in exactly the order of `order by key, id`; totals are exact up to the cap and an
 * estimate past it; the CSV stream holds the whole filtered set.
 */
const ROWS = 7_000;

interface ProbeRow {
  id: string;
  name: string;
  amount: string;
  day: string;
  kind: string;
}
interface Filters {
  kind?: string;
  from?: string;
}

const def: ListDefinition<Filters> = {
  name: 'probe',
  sorts: {
    id: { expr: 'p.id', type: 'bigint', label: 'Id' },
    name: { expr: 'p.name', type: 'text', label: 'Name' },
    amount: { expr: 'p.amount', type: 'numeric', label: 'Amount' },
    day: { expr: 'p.day', type: 'date', label: 'Day' },
  },
  defaultSort: 'id',
  defaultOrder: 'desc',
  idExpr: 'p.id',
  filters: filterSchema({ kind: optional(choice('Kind', ['a', 'b', 'c'])), from: optional(businessDate('From')) }),
  countCap: 1_000,
};

let t: TestDatabase;
let db: Database;

function queryOf(request: ListRequest<Filters>): ListQuery {
  const sql = db.sql;
  return {
    select: sql`p.id::text, p.name, p.amount::text, p.day::text, p.kind`,
    from: sql`list_probe p`,
    where: [request.filters.kind ? sql`p.kind = ${request.filters.kind}` : null, request.filters.from ? sql`p.day >= ${request.filters.from}::date` : null],
  };
}

async function page(params: Record<string, string>) {
  const request = parseListRequest(def, params);
  return keysetPage<Filters, ProbeRow>(db.sql, def, request, queryOf(request));
}

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.admin;
  await db.sql`create table list_probe (id bigserial primary key, name text not null, amount numeric not null, day date not null, kind text not null)`;
  // Few distinct values per column, so most boundaries fall between equal sort values (the id decides).
  await db.sql`
    insert into list_probe (name, amount, day, kind)
    select 'name ' || (g * 7919 % 97), ((g * 104729) % 301)::numeric / 4, date '2026-01-01' + (g * 31 % 90), (array['a','b','c'])[1 + g % 3]
      from generate_series(1, ${ROWS}) g`;
  await db.sql`analyze list_probe`;
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

describe('keyset pages', () => {
  for (const sort of ['id', 'name', 'amount', 'day'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`visits every row once, in order, forwards and backwards (${sort} ${order})`, async () => {
        const col = sort === 'id' ? 'id' : sort;
        const expected = (
          await db.sql<
            { id: string }[]
          >`select p.id::text as id from list_probe p where p.kind = 'b' order by p.${db.sql(col)} ${db.sql.unsafe(order)}, p.id ${db.sql.unsafe(order)}`
        ).map((r) => r.id);
        const base = { sort, order, limit: '333', kind: 'b' };
        const forwards: string[] = [];
        const pages: { start: number; ids: string[]; prev: string | null }[] = [];
        let cursor: string | null = null;
        do {
          const p = await page(cursor ? { ...base, cursor } : base);
          expect(p.start).toBe(forwards.length + 1);
          pages.push({ start: p.start, ids: p.items.map((r) => r.id), prev: p.prevCursor });
          forwards.push(...p.items.map((r) => r.id));
          expect(p.total).toBe(expected.length);
          expect(p.totalApproximate).toBe(expected.length > 1_000);
          cursor = p.nextCursor;
        } while (cursor);
        expect(forwards).toEqual(expected);
        // Back from the last page, one Previous at a time: the same pages, the same positions.
        for (let i = pages.length - 1; i > 0; i -= 1) {
          const back = await page({ ...base, cursor: pages[i]!.prev! });
          expect(back.items.map((r) => r.id)).toEqual(pages[i - 1]!.ids);
          expect(back.start).toBe(pages[i - 1]!.start);
          if (i - 1 === 0) expect(back.prevCursor).toBeNull();
          else expect(back.nextCursor).not.toBeNull();
        }
        expect(pages[0]!.prev).toBeNull();
      });
    }
  }

  it('counts exactly up to the cap and estimates past it', async () => {
    const small = await page({ kind: 'a', from: '2026-03-25' });
    const [exact] = await db.sql<{ n: number }[]>`select count(*)::int as n from list_probe where kind = 'a' and day >= '2026-03-25'`;
    expect(exact!.n).toBeLessThanOrEqual(1_000);
    expect(small).toMatchObject({ total: exact!.n, totalApproximate: false });
    const all = await page({});
    expect(all.totalApproximate).toBe(true);
    // Postgres's estimate of a freshly analysed table is close to the truth.
    expect(all.total).toBeGreaterThan(ROWS * 0.8);
    expect(all.total).toBeLessThan(ROWS * 1.2);
  });

  it('names the field of a bad sort, order, limit, filter or cursor in plain words', async () => {
    const refusal = (params: Record<string, string>) => {
      try {
        parseListRequest(def, params);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return { status: (error as DomainError).status, details: (error as DomainError).details, message: (error as DomainError).message };
      }
      throw new Error('accepted');
    };
    expect(refusal({ sort: 'password' })).toMatchObject({ status: 400, details: { sort: 'Sort must be one of: id, name, amount, day' } });
    expect(refusal({ order: 'up' }).details).toEqual({ order: 'Order must be asc or desc' });
    expect(refusal({ limit: '501' }).details).toEqual({ limit: 'limit must be a whole number from 1 to 500' });
    expect(refusal({ kind: 'z' }).message).toBe('Kind must be one of: a, b, c');
    expect(refusal({ from: '2026-02-30' }).details).toEqual({ from: 'From must be a real date written YYYY-MM-DD, such as 2026-03-31' });
    expect(refusal({ cursor: 'bm90IGpzb24' }).details).toHaveProperty('cursor');
    const first = await page({ sort: 'name' });
    expect(refusal({ sort: 'amount', cursor: first.nextCursor! }).details).toEqual({
      cursor: 'cursor belongs to another sort order; start again from the first page',
    });
  });
});

describe('CSV export', () => {
  it('streams the whole filtered set in the list order, past any page size', async () => {
    const request = parseListRequest(def, { sort: 'amount', order: 'asc', kind: 'c' });
    const stream = csvStream<Filters, ProbeRow>(
      db.sql,
      def,
      request,
      queryOf(request),
      [
        { header: 'Id', value: (r) => r.id },
        { header: 'Amount', value: (r) => r.amount },
      ],
      { batch: 500 },
    );
    const text = await new Response(stream).text();
    const lines = text.trimEnd().split('\r\n');
    const expected = await db.sql<
      { id: string; amount: string }[]
    >`select p.id::text as id, p.amount::text as amount from list_probe p where p.kind = 'c' order by p.amount, p.id`;
    expect(lines[0]).toBe('Id,Amount');
    expect(lines.slice(1)).toEqual(expected.map((r) => `${r.id},${r.amount}`));
    expect(lines.length - 1).toBeGreaterThan(2_000);
  });
});

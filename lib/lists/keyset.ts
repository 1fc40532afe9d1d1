import type postgres from 'postgres';
import { z } from 'zod';
import type { RawSql } from '../../db/client';
import { csvField } from '../csv';
import { DomainError } from '../errors';
import { invalidInput } from '../validation';

/**
 * Issue 13: the one list engine behind every console list and every list API (API.md "Lists").
 *
 * A list is a `ListDefinition`: the sort keys a person may click (each a SQL expression that is
 * never null, with the row's unique id as the tiebreaker), the default order, and a zod schema of
 * the filters that fit it (built from lib/validation/fields.ts with `optional(...)`, so a message
 * names the field's label). A request — `?sort=&order=asc|desc&limit=&cursor=` plus the filters,
 * all in the URL — is read by `parseListRequest`; `keysetPage` runs ONE query for the page:
 *
 *   select … from … where <filters> and (sortExpr, id) > (cursor value, cursor id)
 *    order by sortExpr, id limit n + 1
 *
 * so page 20,000 costs what page 1 costs, given an index on (sortExpr, id) or one the filter
 * leads with (read the EXPLAIN). There is no OFFSET anywhere. The cursor is opaque to callers
 * (base64url JSON): the list, sort, order, the boundary row's sort value and id, the position of
 * the page's first row (for "Showing 51–100") and the direction; Previous runs the same query
 * with the comparison and order flipped and reverses the rows.
 *
 * `total` is exact when the filtered set is small enough to count through the index quickly
 * (`countCap`, default 10,000) or when the list supplies an exact count of its own (a roll-up);
 * otherwise it is Postgres's estimate of the same filtered query, flagged `totalApproximate`
 * (screens say "of about 1,012,300"). Counting a million rows per page view is the scan this
 * issue exists to remove.
 *
 * `csvStream` streams the whole filtered set, in the list's order, in keyset batches (never
 * capped, never held in memory, no statement or connection held for the download), for `?format=csv`.
 */

export type Order = 'asc' | 'desc';
type Fragment = postgres.PendingQuery<postgres.Row[]>;

export interface SortKey {
  /** SQL over the list's FROM aliases; never null (coalesce where a column may be) */
  expr: string;
  /** the type the cursor's boundary value is cast back to */
  type: 'text' | 'numeric' | 'date' | 'bigint' | 'timestamptz' | 'integer';
  /** the column's words, for messages ("Face value") */
  label: string;
  /**
   * The key's ascending order is its expression's descending order (with the id), e.g. days past
   * due sorted by the due date, latest first: one index on (expr, id) serves both keys.
   */
  reverse?: boolean;
  /**
   * This sort's tiebreaker, when a joined table holds the row's id too (e.g. `a.client_id` for
   * `a.balance`): the boundary `(expr, idExpr) > (…)` then matches that table's index on
   * (expr, id), so a later page seeks instead of walking from the first. Default: the list's idExpr.
   */
  idExpr?: string;
}

export interface ListDefinition<F> {
  /** a short name kept in the cursor, so a cursor of one list is refused by another */
  name: string;
  sorts: Record<string, SortKey>;
  defaultSort: string;
  defaultOrder: Order;
  /** the unique, never-null id of a row (e.g. `i.id`), the keyset tiebreaker */
  idExpr: string;
  /** the filters, as a zod object over the URL's parameters (every field optional) */
  filters: z.ZodType<F>;
  /** how many rows are counted exactly before the total becomes an estimate */
  countCap?: number;
}

export interface ListRequest<F> {
  sort: string;
  order: Order;
  limit: number;
  cursor: Cursor | null;
  filters: F;
}

export interface Cursor {
  /** list name */
  l: string;
  s: string;
  o: Order;
  /** the boundary row's sort value (as text) and id */
  v: string;
  i: string;
  /** the 0-based position of the first row of the page this cursor leads to */
  n: number;
  /** 'n': the rows after the boundary; 'p': the rows before it */
  d: 'n' | 'p';
}

export interface ListPage<R> {
  items: R[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: number;
  totalApproximate: boolean;
  /** 1-based position of the first item ("Showing 51–100"), 0 when empty */
  start: number;
  sort: string;
  order: Order;
  limit: number;
}

/** The parameters every list reads itself; everything else in the URL is a filter. */
export const LIST_PARAMETERS = ['sort', 'order', 'limit', 'cursor', 'format'] as const;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

function bad(field: string, message: string): DomainError {
  return new DomainError('invalid_input', message, { status: 400, details: { [field]: message } });
}

/** A URL's query (URLSearchParams, or Next's `searchParams` record) as one plain object; a repeated key keeps its first value. */
export function queryObject(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  if (params instanceof URLSearchParams) {
    for (const [k, v] of params) if (!(k in out)) out[k] = v;
  } else {
    for (const [k, v] of Object.entries(params)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (first !== undefined) out[k] = first;
    }
  }
  return out;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(def: ListDefinition<unknown>, raw: string, sort: string, order: Order): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw bad('cursor', 'cursor is not one this list gave out; start again from the first page');
  }
  const ok =
    c !== null &&
    typeof c === 'object' &&
    c.l === def.name &&
    typeof c.v === 'string' &&
    c.v.length <= 400 &&
    typeof c.i === 'string' &&
    /^\d{1,19}$/.test(c.i) &&
    Number.isSafeInteger(c.n) &&
    c.n >= 0 &&
    (c.d === 'n' || c.d === 'p');
  if (!ok) throw bad('cursor', 'cursor is not one this list gave out; start again from the first page');
  if (c.s !== sort || c.o !== order) throw bad('cursor', 'cursor belongs to another sort order; start again from the first page');
  return c;
}

/**
 * Reads `sort`, `order`, `limit`, `cursor` and the list's filters from a URL's query. Bad input is a
 * 400 whose `details` name each field in plain words (`sort` lists the columns it may be).
 */
export function parseListRequest<F>(
  def: ListDefinition<F>,
  params: URLSearchParams | Record<string, string | string[] | undefined>,
  options: { defaultLimit?: number } = {},
): ListRequest<F> {
  const q = queryObject(params);
  const sort = q.sort === undefined || q.sort === '' ? def.defaultSort : q.sort;
  if (!Object.hasOwn(def.sorts, sort)) {
    throw bad('sort', `Sort must be one of: ${Object.keys(def.sorts).join(', ')}`);
  }
  const rawOrder = q.order === undefined || q.order === '' ? (q.sort ? 'asc' : def.defaultOrder) : q.order;
  if (rawOrder !== 'asc' && rawOrder !== 'desc') throw bad('order', 'Order must be asc or desc');
  const order: Order = rawOrder;
  let limit = options.defaultLimit ?? DEFAULT_LIMIT;
  if (q.limit !== undefined && q.limit !== '') {
    if (!/^\d{1,4}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_LIMIT) {
      throw bad('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    limit = Number(q.limit);
  }
  const cursor = q.cursor ? decodeCursor(def as ListDefinition<unknown>, q.cursor, sort, order) : null;
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (!(LIST_PARAMETERS as readonly string[]).includes(k)) rest[k] = v;
  const parsed = def.filters.safeParse(rest);
  if (!parsed.success) throw invalidInput(parsed.error);
  return { sort, order, limit, cursor, filters: parsed.data };
}

/**
 * A console page's reading of its list: the request, or — when a filter is written wrongly — the
 * list unfiltered with the problem in plain words for the filter form (the form keeps what was typed,
 * since it reads the URL).
 */
export function readListRequest<F>(
  def: ListDefinition<F>,
  params: URLSearchParams | Record<string, string | string[] | undefined>,
  /** a screen's own page size when the URL gives none (a list beside other content: 25; the API's default stays 50) */
  options: { defaultLimit?: number } = {},
): { request: ListRequest<F>; error: string | null } {
  try {
    return { request: parseListRequest(def, params, options), error: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { request: parseListRequest(def, {}, options), error: error.message };
  }
}

/**
 * A screen's page size when its list shares the screen with other sections (the client, debtor
 * and portal pages) or its rows are heavy (Collections → Aging, Reports: a column of money per
 * bucket or month): 25 rows, with 50 and 100 a click away (ListView's "Rows" links).
 */
export const COMPACT_LIMIT = 25;

/**
 * The rows of a list that is one section of a detail page among many (the client page's invoices
 * and reserve movements, the portal's invoices and reserve forecast): the latest 10, with 25, 50 and 100 a click away (the Pager's "Rows") and
 * the full list one link on. A page's cost grows with its rows (about 0.2 ms of server CPU per
 * invoice row at volume: built, sent in the page's data and rendered again as HTML).
 */
export const DETAIL_LIMIT = 10;

/** `a and b and c` of the given conditions (`true` when there are none). */
export function allOf(sql: RawSql, conditions: (Fragment | null | undefined | false)[]): Fragment {
  const kept = conditions.filter((c): c is Fragment => Boolean(c));
  if (kept.length === 0) return sql`true`;
  return kept.slice(1).reduce((acc, c) => sql`${acc} and ${c}`, kept[0]!);
}

export interface ListQuery {
  /** the select list; it must include the sort expression as `sort_value` — `keysetPage` adds it */
  select: Fragment;
  /** `invoices i join clients c on c.id = i.client_id …` */
  from: Fragment;
  /** the filters' conditions (already scoped to a client user's own client) */
  where: (Fragment | null | undefined | false)[];
  /** an exact count of the filtered set when the list keeps one (a roll-up); null: count or estimate */
  exactCount?: () => Promise<number | null>;
  /** the count's FROM when the page's joins do not change the set (a join only for a sort by a name): default `from` */
  countFrom?: Fragment;
  /**
   * The FROM already computes the whole filtered set before the page's boundary and LIMIT (an
   * aggregate that must be summed in full to be sorted) and gives each row the set's size as
   * `list_total` (`count(*) over ()` inside it): the page's rows carry the count, and it is counted
   * apart only when the page is empty. The select list must carry `list_total`.
   */
  countInRows?: boolean;
}

interface PageRow {
  sort_value: string;
  list_id: string;
}

/**
 * The one statement of a page (the rows after — or, for Previous, before — the cursor's boundary,
 * one more than the limit), unexecuted: `keysetPage` runs it, and plan checks EXPLAIN it.
 */
export function pageStatement<F, R extends postgres.Row>(sql: RawSql, def: ListDefinition<F>, request: ListRequest<F>, query: ListQuery) {
  const key = def.sorts[request.sort]!;
  const sortExpr = sql.unsafe(key.expr);
  const idExpr = sql.unsafe(key.idExpr ?? def.idExpr);
  const cursor = request.cursor;
  const backwards = cursor?.d === 'p';
  // Ascending lists read forwards with ">"; Previous reads the other way from the boundary and flips the rows back.
  const ascending = ((request.order === 'asc') !== backwards) !== Boolean(key.reverse);
  // The plain bound beside the row comparison lets the planner start an index on the sort
  // expression alone (a sort by a joined table's column, such as the client's name) at the cursor.
  const value = cursor ? sql`${cursor.v}::${sql.unsafe(key.type)}` : null;
  const boundary = cursor
    ? ascending
      ? sql`${sortExpr} >= ${value} and (${sortExpr}, ${idExpr}) > (${value}, ${cursor.i}::bigint)`
      : sql`${sortExpr} <= ${value} and (${sortExpr}, ${idExpr}) < (${value}, ${cursor.i}::bigint)`
    : null;
  const direction = sql.unsafe(ascending ? 'asc' : 'desc');
  const where = allOf(sql, [...query.where, boundary]);
  return sql<R[]>`
    select ${query.select}, (${sortExpr})::text as sort_value, (${idExpr})::text as list_id
      from ${query.from}
     where ${where}
     order by ${sortExpr} ${direction}, ${idExpr} ${direction}
     limit ${request.limit + 1}`;
}

/**
 * One branch of a list's FROM read in the page's own order up to the page's LIMIT — the large side
 * of a union whose other side is a few rows (Reports' ranked clients, Aging's refs without
 * deltas), so the planner reads an index in order instead of sorting every row: the branch's
 * columns for the sort value and the id, the cursor's boundary on them and the order and LIMIT, as
 * `pageStatement` puts them on the whole list. Such a query is one page's: a CSV walk takes the
 * list's other form.
 */
export function pageBranch<F>(
  sql: RawSql,
  def: ListDefinition<F>,
  request: ListRequest<F>,
  value: string,
  id: string,
): { where: Fragment; orderLimit: Fragment } {
  const key = def.sorts[request.sort]!;
  const cursor = request.cursor;
  const ascending = ((request.order === 'asc') !== (cursor?.d === 'p')) !== Boolean(key.reverse);
  const v = sql.unsafe(value);
  const i = sql.unsafe(id);
  const bound = cursor ? sql`${cursor.v}::${sql.unsafe(key.type)}` : null;
  const where = cursor
    ? ascending
      ? sql`${v} >= ${bound} and (${v}, ${i}) > (${bound}, ${cursor.i}::bigint)`
      : sql`${v} <= ${bound} and (${v}, ${i}) < (${bound}, ${cursor.i}::bigint)`
    : sql`true`;
  const direction = sql.unsafe(ascending ? 'asc' : 'desc');
  return { where, orderLimit: sql`order by ${v} ${direction}, ${i} ${direction} limit ${request.limit + 1}` };
}

/** One page of a list by keyset, with its total (exact, or Postgres's estimate past `countCap`). */
export async function keysetPage<F, R extends postgres.Row, O = R>(
  sql: RawSql,
  def: ListDefinition<F>,
  request: ListRequest<F>,
  query: ListQuery,
  map: (row: R) => O = (r) => r as unknown as O,
): Promise<ListPage<O>> {
  const cursor = request.cursor;
  const backwards = cursor?.d === 'p';
  const pageRows = pageStatement<F, R & PageRow & { list_total?: number | string }>(sql, def, request, query);
  const countIt = () => countOf(sql, def, query, { sort: request.sort, order: request.order });
  // A first page that holds the whole set is its own count: no estimate, no count statement (the
  // detail pages' short lists — a client's notes, documents, limits — are all first pages). A
  // first page that is full is counted after it; a later page is counted beside it.
  const [rows, counted] = query.countInRows
    ? await pageRows.then(async (r) => [r, r.length > 0 ? { total: Number(r[0]!.list_total), approximate: false } : await countIt()] as const)
    : !cursor
      ? await pageRows.then(async (r) => [r, r.length <= request.limit ? { total: r.length, approximate: false } : await countIt()] as const)
      : await Promise.all([pageRows, countIt()]);
  const more = rows.length > request.limit;
  const kept = rows.slice(0, request.limit);
  if (backwards) kept.reverse();
  const first = cursor ? (backwards ? Math.max(0, cursor.n) : cursor.n) : 0;
  const make = (row: PageRow, d: 'n' | 'p', n: number) =>
    encodeCursor({ l: def.name, s: request.sort, o: request.order, v: row.sort_value, i: row.list_id, n, d });
  const last = kept[kept.length - 1];
  const head = kept[0];
  // Forwards: more rows past the page means a next page. Backwards: the page came from before the boundary, so a next page exists.
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more || first > 0 : cursor !== null;
  return {
    items: kept.map((r) => map(r)),
    nextCursor: hasNext && last ? make(last, 'n', first + kept.length) : null,
    prevCursor: hasPrev && head && first > 0 ? make(head, 'p', Math.max(0, first - request.limit)) : null,
    total: counted.total,
    totalApproximate: counted.approximate,
    start: kept.length > 0 ? first + 1 : 0,
    sort: request.sort,
    order: request.order,
    limit: request.limit,
  };
}

/**
 * The filtered set's size: the list's own exact count when it has one; else, when the planner
 * expects no more than `countCap` rows, counted through the index up to the cap; past that, the
 * planner's estimate of the same query. Asking the planner first keeps the count from a
 * sequential scan it would choose for a large set, expecting to stop early (it cannot know that
 * the rows of a recent date range are all at the end of the table).
 *
 * Given the page's sort (`keysetPage` passes it), the capped count reads the rows in that order —
 * the index the page reads — so a count never falls back to a sequential scan of a big table
 * that a LIMIT only bounds when the filter matches often.
 */
export async function countOf(
  sql: RawSql,
  def: ListDefinition<unknown> | ListDefinition<never>,
  query: ListQuery,
  sorted?: { sort: string; order: Order },
): Promise<{ total: number; approximate: boolean }> {
  if (query.exactCount) {
    const exact = await query.exactCount();
    if (exact !== null) return { total: exact, approximate: false };
  }
  const cap = def.countCap ?? 10_000;
  const where = allOf(sql, query.where);
  const from = query.countFrom ?? query.from;
  const plan = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[]>`explain (format json) select 1 from ${from} where ${where}`;
  const estimate = Math.round(plan[0]!['QUERY PLAN'][0].Plan['Plan Rows']);
  if (estimate <= cap) {
    // A narrower FROM of the list's own (no joins) counts as it is; else the rows are read in the page's order, through the page's index.
    const [row] = query.countFrom
      ? await sql<{ n: number }[]>`select count(*)::int as n from (select 1 from ${from} where ${where} limit ${cap + 1}) capped`
      : await countStatement(sql, def, query, sorted);
    if (row!.n <= cap) return { total: row!.n, approximate: false };
  }
  return { total: Math.max(estimate, cap + 1), approximate: true };
}

/** The capped count `countOf` runs, unexecuted (for plan checks). */
export function countStatement(sql: RawSql, def: ListDefinition<unknown> | ListDefinition<never>, query: ListQuery, sorted?: { sort: string; order: Order }) {
  const cap = def.countCap ?? 10_000;
  const key = sorted ? (def.sorts as Record<string, SortKey>)[sorted.sort] : undefined;
  const direction = sql.unsafe((sorted?.order === 'asc') !== Boolean(key?.reverse) ? 'asc' : 'desc');
  const order = key ? sql`order by ${sql.unsafe(key.expr)} ${direction}, ${sql.unsafe(key.idExpr ?? def.idExpr)} ${direction}` : sql``;
  return sql<{ n: number }[]>`select count(*)::int as n from (select 1 from ${query.from} where ${allOf(sql, query.where)} ${order} limit ${cap + 1}) capped`;
}

/** The list's body as API.md answers it: `{items, nextCursor, total}` plus `prevCursor`, `totalApproximate`, `sort`, `order`. */
export function listBody<R>(page: ListPage<R>): Record<string, unknown> {
  return {
    items: page.items,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    total: page.total,
    totalApproximate: page.totalApproximate,
    sort: page.sort,
    order: page.order,
  };
}

export interface CsvColumn<R> {
  header: string;
  value: (row: R) => string | number | null | undefined;
}

/**
 * The whole filtered set as CSV, in the list's order, streamed a batch of `batch` rows at a time:
 * never capped, never all in memory. Each batch is a keyset query of its own from the last row of
 * the one before (the page query's walk, LIMIT `batch`), so no statement runs for the length of the
 * download (a server-side cursor over a million rows outlived the web's statement timeout and cut
 * the file short) and no connection is held between batches. Cancelling the download stops it.
 */
export function csvStream<F, R extends postgres.Row>(
  sql: RawSql,
  def: ListDefinition<F>,
  request: ListRequest<F>,
  query: ListQuery,
  columns: CsvColumn<R>[],
  options: { batch?: number } = {},
): ReadableStream<Uint8Array> {
  const key = def.sorts[request.sort]!;
  const sortExpr = sql.unsafe(key.expr);
  const idExpr = sql.unsafe(key.idExpr ?? def.idExpr);
  const ascending = (request.order === 'asc') !== Boolean(key.reverse);
  const direction = sql.unsafe(ascending ? 'asc' : 'desc');
  const batch = options.batch ?? 2_000;
  const encoder = new TextEncoder();
  let after: { v: string; i: string } | null = null;
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(columns.map((c) => c.header))));
    },
    async pull(controller) {
      if (finished) return;
      try {
        const value = after ? sql`${after.v}::${sql.unsafe(key.type)}` : null;
        const boundary = after
          ? ascending
            ? sql`${sortExpr} >= ${value} and (${sortExpr}, ${idExpr}) > (${value}, ${after.i}::bigint)`
            : sql`${sortExpr} <= ${value} and (${sortExpr}, ${idExpr}) < (${value}, ${after.i}::bigint)`
          : null;
        const rows = await sql<(R & PageRow)[]>`
          select ${query.select}, (${sortExpr})::text as sort_value, (${idExpr})::text as list_id
            from ${query.from}
           where ${allOf(sql, [...query.where, boundary])}
           order by ${sortExpr} ${direction}, ${idExpr} ${direction}
           limit ${batch}`;
        if (finished) return;
        const last = rows[rows.length - 1];
        if (last) {
          after = { v: last.sort_value, i: last.list_id };
          controller.enqueue(encoder.encode(rows.map((row) => csvLine(columns.map((c) => c.value(row)))).join('')));
        }
        if (rows.length < batch) {
          finished = true;
          controller.close();
        }
      } catch (error) {
        finished = true;
        controller.error(error);
      }
    },
    cancel() {
      finished = true;
    },
  });
}

function csvLine(values: (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** A CSV download's file name: the list and today's date. */
export function csvFileName(list: string, date: string): string {
  return `${list}-${date}.csv`;
}

/** A list's filters: its fields, each wrapped in `optional(...)`; parameters it does not know are ignored (a page's own, such as a flash message). */
export function filterSchema<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape);
}

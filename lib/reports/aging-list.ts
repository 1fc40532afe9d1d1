import type { z } from 'zod';
import type { RawSql } from '../../db/client';
import { todayIn, addDays } from '../dates';
import { containsPattern } from '../lists/common-filters';
import { filterSchema, pageBranch, type CsvColumn, type ListDefinition, type ListQuery, type ListRequest } from '../lists/keyset';
import { moneyOut } from '../money';
import { currency, optional, text } from '../validation/fields';
import { BASIS_BUCKETS, type AgingBasis } from './aging';
import { ROLLUP_GRAIN } from './rollups';

/**
 * Issue 13: the aging report (Collections → Aging) as keyset pages, one list per side — by debtor
 * or by client — in one currency at a time, from the kept roll-ups (lib/reports/rollups.ts), never
 * the invoices:
 *
 * - the rows are the side's (ref, currency) totals of what open invoices still owe (grain 6
 *   clients, grain 2 debtors: a row per ref), folded rows plus the deltas not yet folded, one
 *   statement, so exact;
 * - 90+ is the sum of the few old (issue date ≥ 91 days before asOf) dated rows, read through
 *   the dated index of migration 0023 (rollups_aged), so a sort by it costs what a sort by total does;
 * - the invoice count and other buckets are computed for the page's rows only (a scalar subquery per output row, by
 *   the roll-ups' key index), after the ORDER BY … LIMIT — and so is 90+ unless the page is sorted by it
 *   (a pass over every ref's old rows cost 270 ms a page at 10,000 clients);
 * - the count reads the totals alone (with the names when a name filter asks).
 *
 * Sort keys: total, 90+ (`over90`), name. Filters: currency (default: the first in use), name contains.
 *
 * Issue 15 item 5: the same report by days past due (`basis` "due") beside it, from the roll-ups
 * keyed by the due date (grains 10, 11 and 12, migration 0033) read the same way: the totals per ref
 * are the same; the buckets are Not due, 1–30, 31–60, 61–90 and 90+ days past due.
 */
export type AgingSide = 'debtor' | 'client';

export const agingFilters = filterSchema({
  currency: optional(currency('Currency')),
  name: optional(text('Name contains', { max: 100 })),
});
export type AgingFilters = z.output<typeof agingFilters>;

function definition(side: AgingSide): ListDefinition<AgingFilters> {
  return {
    name: `aging-${side}`,
    sorts: {
      total: { expr: 'a.total', type: 'numeric', label: 'Total' },
      over90: { expr: 'coalesce(o.amount, 0)', type: 'numeric', label: '90+' },
      name: { expr: 'g.name', type: 'text', label: side === 'debtor' ? 'Debtor' : 'Client' },
    },
    defaultSort: 'total',
    defaultOrder: 'desc',
    idExpr: 'a.ref_id',
    filters: agingFilters,
  };
}

export const AGING_LISTS: Record<AgingSide, ListDefinition<AgingFilters>> = { debtor: definition('debtor'), client: definition('client') };

export interface AgingListRow {
  ref_id: string;
  name: string;
  currency: string;
  total: string;
  over90: string;
  /** invoices owing, then the buckets before 90+ (0–30, 31–60, 61–90; or Not due, 1–30, 31–60, 61–90), as text */
  dated: string[];
}

export interface AgingListItem {
  id: string;
  name: string;
  currency: string;
  invoices: number;
  /** the basis's buckets (BASIS_BUCKETS) → amount */
  buckets: Record<string, string>;
  total: string;
  /** the page of this row: /debtors/{id} or /clients/{id} */
  url: string;
}

const dated = (side: AgingSide, basis: AgingBasis) =>
  basis === 'due'
    ? side === 'debtor'
      ? ROLLUP_GRAIN.debtorPastDue
      : ROLLUP_GRAIN.clientPastDue
    : side === 'debtor'
      ? ROLLUP_GRAIN.debtorAging
      : ROLLUP_GRAIN.clientAging;

/** The buckets before 90+ of a basis, over `x.issue_date` (the invoice or the due date) as of `asOf`. */
function earlyBuckets(sql: RawSql, basis: AgingBasis, asOf: string) {
  const age = sql`${asOf}::date - x.issue_date`;
  return basis === 'due'
    ? sql`coalesce(sum(x.amount) filter (where ${age} <= 0), 0),
          coalesce(sum(x.amount) filter (where ${age} between 1 and 30), 0),
          coalesce(sum(x.amount) filter (where ${age} between 31 and 60), 0),
          coalesce(sum(x.amount) filter (where ${age} between 61 and 90), 0)`
    : sql`coalesce(sum(x.amount) filter (where ${age} <= 30), 0),
          coalesce(sum(x.amount) filter (where ${age} between 31 and 60), 0),
          coalesce(sum(x.amount) filter (where ${age} between 61 and 90), 0)`;
}

/**
 * The currency a request lists: the filter's, else the first currency with open invoices owing
 * (from the status roll-up: a few rows), else USD.
 */
export async function agingCurrencies(sql: RawSql): Promise<string[]> {
  const rows = await sql<{ currency: string }[]>`
    select currency from (
      select currency, amount from rollups where grain = ${ROLLUP_GRAIN.agingByDate}
      union all
      select currency, amount from rollup_deltas where grain = ${ROLLUP_GRAIN.agingByDate}) x
     group by currency having sum(amount) > 0 order by currency`;
  return rows.map((r) => r.currency.trim());
}

export function agingCurrencyOf(filters: AgingFilters, currencies: string[]): string {
  return filters.currency ?? currencies[0] ?? 'USD';
}

/**
 * The list's query for one side and currency as of `asOf`. The FROM is the side's totals per ref
 * (a few thousand rows of one grain for the currency, folded + deltas, grouped), the 90+ of each
 * (old dated rows only), and the name; the page's other buckets are a subquery per output row.
 */
export function agingListQuery(
  sql: RawSql,
  side: AgingSide,
  request: ListRequest<AgingFilters>,
  code: string,
  asOf: string = todayIn(),
  basis: AgingBasis = 'issued',
  /** walk: the query the CSV walks in batches (`csvStream`), not one page's */
  options: { walk?: boolean } = {},
): ListQuery {
  const grain = dated(side, basis);
  const totalGrain = side === 'client' ? ROLLUP_GRAIN.clientExposure : ROLLUP_GRAIN.debtorExposure;
  const names = sql.unsafe(side === 'debtor' ? 'debtors' : 'clients');
  const oldest = addDays(asOf, -91);
  // grain 2 also counts a debtor's open invoices that owe nothing (its amount is the same): a key is listed while it is owed something.
  // A ref without unfolded deltas is its one roll-up row (grains 2 and 6 keep one per ref and
  // currency), read in the page's order from migration 0026's index up to the LIMIT; only the few
  // refs with deltas are summed (and sorted) — not a sum and sort of every client's total per page.
  const withDeltas = sql`(select ref_id from rollup_deltas where grain = ${totalGrain} and currency = ${code} and ref_id is not null)`;
  const folded = sql`r.grain = ${totalGrain} and r.currency = ${code} and r.amount > 0`;
  const deltaSums = sql`
      select ref_id, sum(amount) as total from (
        select ref_id, amount from rollups where grain = ${totalGrain} and currency = ${code} and ref_id in ${withDeltas}
        union all
        select ref_id, amount from rollup_deltas where grain = ${totalGrain} and currency = ${code}) t
       group by ref_id having sum(amount) > 0`;
  const sums = sql`
      select ref_id, amount as total from rollups r
       where ${folded} and ref_id not in ${withDeltas}
      union all
      ${deltaSums}`;
  const totals = sql`(${sums}) a`;
  const f = request.filters;
  const named = f.name ? sql`g.name ilike ${containsPattern(f.name)}` : null;

  const over90Table = sql`(
      select ref_id, sum(amount) as amount from (
        select ref_id, amount from rollups where grain = ${grain} and currency = ${code} and issue_date <= ${oldest}::date
        union all
        select ref_id, amount from rollup_deltas where grain = ${grain} and currency = ${code} and issue_date <= ${oldest}::date) t
       group by ref_id) o`;
  // Sorted by 90+: every ref's 90+ is needed (one pass over the old dated rows). Otherwise only the
  // page's rows', each read by the roll-ups' key after the ORDER BY … LIMIT.
  const by90 = request.sort === 'over90';
  const over90 = by90
    ? sql`coalesce(o.amount, 0)`
    : sql`(select coalesce(sum(x.amount), 0) from (
           select amount from rollups r where r.grain = ${grain} and r.ref_id = a.ref_id and r.currency = ${code} and r.issue_date <= ${oldest}::date
           union all
           select amount from rollup_deltas r where r.grain = ${grain} and r.ref_id = a.ref_id and r.currency = ${code} and r.issue_date <= ${oldest}::date) x)`;
  const rowSelect = (withNames: boolean) => sql`
      a.ref_id::text as ref_id, ${withNames ? sql`g.name` : sql`(select g.name from ${names} g where g.id = a.ref_id)`} as name,
      ${code}::text as currency, a.total::text as total,
      ${over90}::text as over90,
      (select array[coalesce(sum(x.items), 0), ${earlyBuckets(sql, basis, asOf)}]::text[]
         from (select issue_date, items, amount from rollups r where r.grain = ${grain} and r.ref_id = a.ref_id and r.currency = ${code}
               union all
               select issue_date, items, amount from rollup_deltas r where r.grain = ${grain} and r.ref_id = a.ref_id and r.currency = ${code}) x) as dated`;
  // Sorted by total without a name filter (the default page): the refs without deltas are read in
  // the page's order (its direction, past its cursor) through migration 0026's index up to the
  // page's LIMIT, beside the few with deltas — the planner otherwise sorted every ref's total
  // (10,000 clients) for each page. The query is then one page's: the CSV walks the other form.
  if (!named && request.sort === 'total' && !options.walk) {
    const branch = pageBranch(sql, AGING_LISTS[side], request, 'r.amount', 'r.ref_id');
    const page = sql`(select r.ref_id, r.amount as total from rollups r
         where ${folded} and r.ref_id not in ${withDeltas} and ${branch.where} ${branch.orderLimit})`;
    return {
      select: rowSelect(false),
      from: sql`(${page} union all ${deltaSums}) a`,
      where: [],
      // the refs owed something counted through the same index, less those with deltas, plus those the deltas leave owed
      exactCount: async () => {
        const [row] = await sql<{ n: number }[]>`
          select ((select count(*) from rollups r where ${folded})
                - (select count(*) from rollups r where ${folded} and r.ref_id in ${withDeltas})
                + (select count(*) from (${deltaSums}) d))::int as n`;
        return row!.n;
      },
    };
  }
  // The names are joined only to sort or filter by them; else each page row's is read after the
  // LIMIT (joining first read 10,000 clients' names by key for a page of 50: half its time).
  const withNames = Boolean(named) || request.sort === 'name';
  const base = by90 ? sql`${totals} left join ${over90Table} on o.ref_id = a.ref_id` : totals;
  return {
    select: rowSelect(withNames),
    // every ref of a roll-up is a debtor or client (they are never deleted): no join drops a row
    from: withNames ? sql`${base} join ${names} g on g.id = a.ref_id` : base,
    where: [named],
    // the set is the refs owed something (and named so): the 90+ join never changes it
    countFrom: named ? sql`${totals} join ${names} g on g.id = a.ref_id` : totals,
  };
}

export function agingItem(side: AgingSide, basis: AgingBasis = 'issued') {
  const names = BASIS_BUCKETS[basis];
  return (r: AgingListRow): AgingListItem => {
    const c = r.currency;
    const [items, ...early] = r.dated;
    const buckets: Record<string, string> = {};
    names.forEach((b, i) => (buckets[b] = moneyOut(i === names.length - 1 ? r.over90 : (early[i] ?? '0'), c)));
    return {
      id: r.ref_id,
      name: r.name,
      currency: c,
      invoices: Number(items ?? 0),
      buckets,
      total: moneyOut(r.total, c),
      url: side === 'debtor' ? `/debtors/${r.ref_id}` : `/clients/${r.ref_id}`,
    };
  };
}

/**
 * The whole currency's buckets (every debtor's, so every client's): the totals row, from the
 * aging-by-date roll-up (a row per issue date, as the dashboard reads it) — or, by days past due,
 * the roll-up by due date (grain 12). Its invoice count is of every open invoice, an invoice
 * already owing nothing included.
 */
export async function agingTotals(
  sql: RawSql,
  code: string,
  asOf: string = todayIn(),
  basis: AgingBasis = 'issued',
): Promise<{ invoices: number; buckets: Record<string, string>; total: string }> {
  const grain = basis === 'due' ? ROLLUP_GRAIN.agingByDueDate : ROLLUP_GRAIN.agingByDate;
  const [row] = await sql<{ early: string[]; b4: string; total: string; items: number }[]>`
    select array[${earlyBuckets(sql, basis, asOf)}]::text[] as early,
           coalesce(sum(x.amount) filter (where ${asOf}::date - x.issue_date > 90), 0)::text as b4,
           coalesce(sum(x.amount), 0)::text as total, coalesce(sum(x.items), 0)::int as items
      from (select issue_date, items, amount from rollups where grain = ${grain} and currency = ${code}
            union all
            select issue_date, items, amount from rollup_deltas where grain = ${grain} and currency = ${code}) x`;
  const r = row!;
  const names = BASIS_BUCKETS[basis];
  const buckets: Record<string, string> = {};
  names.forEach((b, i) => (buckets[b] = moneyOut(i === names.length - 1 ? r.b4 : (r.early[i] ?? '0'), code)));
  return { invoices: r.items, buckets, total: moneyOut(r.total, code) };
}

export const AGING_CSV: (side: AgingSide, basis?: AgingBasis) => CsvColumn<AgingListItem>[] = (side, basis = 'issued') => [
  { header: side === 'debtor' ? 'Debtor' : 'Client', value: (r) => r.name },
  { header: side === 'debtor' ? 'Debtor id' : 'Client id', value: (r) => r.id },
  { header: 'Currency', value: (r) => r.currency },
  { header: 'Invoices', value: (r) => r.invoices },
  ...BASIS_BUCKETS[basis].map((b) => ({ header: basis === 'due' && b !== 'Not due' ? `${b} days past due` : b, value: (r: AgingListItem) => r.buckets[b] })),
  { header: 'Total', value: (r) => r.total },
];

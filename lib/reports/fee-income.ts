import { z } from 'zod';
import type { RawSql } from '../../db/client';
import { todayIn } from '../dates';
import { containsPattern } from '../lists/common-filters';
import { filterSchema, pageBranch, type CsvColumn, type ListDefinition, type ListQuery, type ListRequest } from '../lists/keyset';
import { moneyOut } from '../money';
import { currency, optional, text } from '../validation/fields';
import { ROLLUP_GRAIN } from './rollups';

/**
 * Issue 13: fee income (service, flat and accrued fees — what is credited to fee_income, SPEC 8
 * reports) by client and month, as keyset pages of clients for a period of months in one
 * currency, from the monthly roll-ups of migration 0023 (grain 8: a row per client and month;
 * grain 9: a row per month), never the journal lines: a page reads the period's rows of the
 * currency through rollups_monthly (clients × months in the period, whatever the history's
 * length), plus the deltas not yet folded (one statement, so exact).
 *
 * Filters: currency (default: the first with fee income), `from` and `to` months (YYYY-MM; default
 * the twelve months to this one; at most 24), client name contains. Sorts: total, client name.
 */
export const MAX_MONTHS = 24;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = (label: string) => z.string().trim().regex(MONTH, `${label} must be a month written as YYYY-MM, e.g. 2026-04`);

export const feeIncomeFilters = filterSchema({
  currency: optional(currency('Currency')),
  from: optional(month('From month')),
  to: optional(month('To month')),
  name: optional(text('Client name contains', { max: 100 })),
}).superRefine((f, ctx) => {
  if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'To month must not be before From month' });
  if (f.from && f.to && monthsBetween(f.from, f.to).length > MAX_MONTHS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `The period may be at most ${MAX_MONTHS} months: move From month or To month` });
  }
});
export type FeeIncomeFilters = z.output<typeof feeIncomeFilters>;

export const FEE_INCOME_LIST: ListDefinition<FeeIncomeFilters> = {
  name: 'fee-income',
  sorts: {
    total: { expr: 'a.total', type: 'numeric', label: 'Total' },
    name: { expr: 'g.name', type: 'text', label: 'Client' },
  },
  defaultSort: 'total',
  defaultOrder: 'desc',
  idExpr: 'a.ref_id',
  filters: feeIncomeFilters,
};

/** The months from `from` to `to` (YYYY-MM, both included), oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while ((y < ty || (y === ty && m <= tm)) && out.length <= MAX_MONTHS) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** The period a request covers: its months, or the twelve months to `today`'s (one end given: twelve months from or to it). */
export function periodOf(filters: Pick<FeeIncomeFilters, 'from' | 'to'>, today: string = todayIn()): { from: string; to: string; months: string[] } {
  const shift = (ym: string, by: number) => {
    const [y, m] = ym.split('-').map(Number) as [number, number];
    const n = y * 12 + (m - 1) + by;
    return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
  };
  const to = filters.to ?? (filters.from ? shift(filters.from, 11) : today.slice(0, 7));
  const from = filters.from ?? shift(to, -11);
  return { from, to, months: monthsBetween(from, to) };
}

/** Currencies with fee income (the months' roll-up: a few rows). */
export async function feeIncomeCurrencies(sql: RawSql): Promise<string[]> {
  const rows = await sql<{ currency: string }[]>`
    select distinct currency from (
      select currency from rollups where grain = ${ROLLUP_GRAIN.feeIncome}
      union all
      select currency from rollup_deltas where grain = ${ROLLUP_GRAIN.feeIncome}) x
     order by currency`;
  return rows.map((r) => r.currency.trim());
}

export interface FeeIncomeRow {
  ref_id: string;
  name: string;
  total: string;
  /** 'YYYY-MM=amount' for each month of the period with income */
  months: string[];
}

export interface FeeIncomeItem {
  clientId: string;
  clientName: string;
  currency: string;
  /** income per month of the period (YYYY-MM → decimal string), months without income absent */
  months: Record<string, string>;
  total: string;
}

/**
 * What a Reports request reads before its list, in one statement: the currencies with fee income
 * (the filter's currency, else the first of them, is the list's) and whether the request's period
 * is ranked (migration 0043: the default twelve months, kept by the rollups fold) — then a page
 * sorted by total reads the ranking in order (`feeIncomeQuery`'s `ranked`).
 */
export async function feeIncomeContext(
  sql: RawSql,
  request: Pick<ListRequest<FeeIncomeFilters>, 'filters'>,
  today: string = todayIn(),
): Promise<{ currencies: string[]; code: string; ranked: boolean }> {
  const period = periodOf(request.filters, today);
  const [row] = await sql<{ currencies: string[]; ranked: boolean }[]>`
    select array(select distinct currency::text from (
             select currency from rollups where grain = ${ROLLUP_GRAIN.feeIncome}
             union all
             select currency from rollup_deltas where grain = ${ROLLUP_GRAIN.feeIncome}) x order by 1) as currencies,
           exists (select 1 from fee_income_rank_periods where period_to = ${`${period.to}-01`}::date) as ranked`;
  const currencies = row!.currencies.map((c) => c.trim());
  // only the twelve months to a month are ranked (a period given as other months is summed)
  const ranked = row!.ranked && period.months.length === 12;
  return { currencies, code: request.filters.currency ?? currencies[0] ?? 'USD', ranked };
}

/**
 * The list's query: a row per client with fee income in the period and currency — its months and
 * total, summed from the period's roll-up rows (folded + deltas) — and the client's name.
 *
 * `ranked` (the period is in fee_income_ranks: `feeIncomeContext`): sorted by total without a name
 * filter, a client without unfolded deltas in the period is its one ranked row, read in the page's
 * order through fee_income_ranks_order up to the LIMIT; the few clients with deltas are summed
 * from their folded months and deltas as below. Exact: the ranking is the folded months' sum,
 * written by the fold in the transaction that folds them. The ranked query is one page's (its
 * cursor and LIMIT are inside it): the CSV's walk (`csvStream`) takes the unranked one.
 */
export function feeIncomeQuery(sql: RawSql, request: ListRequest<FeeIncomeFilters>, code: string, today: string = todayIn(), ranked = false): ListQuery {
  const { from, to } = periodOf(request.filters, today);
  const first = `${from}-01`;
  const last = `${to}-01`;
  const grain = ROLLUP_GRAIN.clientFeeIncome;
  // The totals alone (a sum per client of its months' rows) decide the order; the months of the
  // page's rows are read after the ORDER BY … LIMIT, by the roll-ups' key (formatting every
  // client's months for 10,000 clients cost most of a page). A client with no delta in the period
  // has one folded row per month, so its total is one sum per client (a month that nets to zero
  // does not make it a client with income); only the few clients with deltas are summed per month
  // first (a delta may cancel a folded month) — 35 → 14 ms at 10,000 clients × 12 months.
  const inPeriod = sql`grain = ${grain} and currency = ${code} and issue_date between ${first}::date and ${last}::date and ref_id is not null`;
  const sums = sql`
      with d as materialized (select ref_id, issue_date, amount from rollup_deltas where ${inPeriod})
      select ref_id, sum(amount) as total from rollups r
       where ${inPeriod} and not exists (select 1 from d where d.ref_id = r.ref_id)
       group by ref_id having bool_or(amount <> 0)
      union all
      select ref_id, sum(amount) as total
        from (select ref_id, issue_date, sum(amount) as amount from (
                select ref_id, issue_date, amount from rollups where ${inPeriod} and ref_id in (select ref_id from d)
                union all
                select ref_id, issue_date, amount from d) x
               group by ref_id, issue_date having sum(amount) <> 0) m
       group by ref_id`;
  const totals = sql`(${sums}) a`;
  // Sorting by total sums every client's months anyway: without a name filter the same pass
  // counts them (`count(*) over ()` before the page's boundary), not a second aggregation.
  const counted = sql`(select s.*, count(*) over () as list_total from (${sums}) s) a`;
  const months = sql`(
      select array_agg(to_char(m.issue_date, 'YYYY-MM') || '=' || m.amount::text order by m.issue_date)
        from (select issue_date, sum(amount) as amount from (
                select issue_date, amount from rollups r
                 where r.grain = ${grain} and r.ref_id = a.ref_id and r.currency = ${code} and r.issue_date between ${first}::date and ${last}::date
                union all
                select issue_date, amount from rollup_deltas r
                 where r.grain = ${grain} and r.ref_id = a.ref_id and r.currency = ${code} and r.issue_date between ${first}::date and ${last}::date) x
               group by issue_date having sum(amount) <> 0) m)`;
  const name = request.filters.name;
  if (ranked && !name && request.sort === 'total') {
    const withDeltas = sql`(select ref_id from rollup_deltas where ${inPeriod})`;
    const ranks = sql`k.currency = ${code} and k.period_to = ${last}::date`;
    // The page's rows among the ranked clients: read in the page's order (as keysetPage reads the
    // whole list: its direction, past its cursor) through fee_income_ranks_order up to the page's
    // LIMIT — the page is the first rows of these and of the few clients with deltas, merged.
    const branch = pageBranch(sql, FEE_INCOME_LIST, request, 'k.total', 'k.ref_id');
    const rankedPage = sql`(select k.ref_id, k.total from fee_income_ranks k
         where ${ranks} and k.ref_id not in ${withDeltas} and ${branch.where} ${branch.orderLimit})`;
    const deltaSums = sql`
        select ref_id, sum(amount) as total
          from (select ref_id, issue_date, sum(amount) as amount from (
                  select ref_id, issue_date, amount from rollups where ${inPeriod} and ref_id in ${withDeltas}
                  union all
                  select ref_id, issue_date, amount from rollup_deltas where ${inPeriod}) x
                 group by ref_id, issue_date having sum(amount) <> 0) m
         group by ref_id`;
    return {
      select: sql`a.ref_id::text as ref_id, (select g.name from clients g where g.id = a.ref_id) as name, a.total::text as total, ${months} as months`,
      from: sql`(${rankedPage} union all ${deltaSums}) a`,
      where: [],
      // the ranked clients counted through the index, less those with deltas, plus the clients the deltas leave with income
      exactCount: async () => {
        const [row] = await sql<{ n: number }[]>`
          select ((select count(*) from fee_income_ranks k where ${ranks})
                - (select count(*) from fee_income_ranks k where ${ranks} and k.ref_id in ${withDeltas})
                + (select count(*) from (${deltaSums}) d))::int as n`;
        return row!.n;
      },
    };
  }
  // The names are joined only to sort or filter by them; else each page row's is read after the LIMIT.
  const withNames = Boolean(name) || request.sort === 'name';
  return {
    select: sql`a.ref_id::text as ref_id, ${withNames ? sql`g.name` : sql`(select g.name from clients g where g.id = a.ref_id)`} as name,
                a.total::text as total, ${months} as months${name ? sql`` : sql`, a.list_total`}`,
    from: name ? sql`${totals} join clients g on g.id = a.ref_id` : withNames ? sql`${counted} join clients g on g.id = a.ref_id` : counted,
    where: [name ? sql`g.name ilike ${containsPattern(name)}` : null],
    // every client with income is a client (clients are never deleted): the name is needed only to filter by it
    countFrom: name ? undefined : totals,
    countInRows: !name,
  };
}

export function feeIncomeItem(code: string) {
  return (r: FeeIncomeRow): FeeIncomeItem => ({
    clientId: r.ref_id,
    clientName: r.name,
    currency: code,
    months: Object.fromEntries(
      r.months.map((m) => {
        const [ym, amount] = m.split('=') as [string, string];
        return [ym, moneyOut(amount, code)];
      }),
    ),
    total: moneyOut(r.total, code),
  });
}

/** The period's income per month in the currency (the chart), every client's: a row per month of the roll-up. */
export async function feeIncomeByMonth(
  sql: RawSql,
  filters: Pick<FeeIncomeFilters, 'from' | 'to'>,
  code: string,
  today: string = todayIn(),
): Promise<{ month: string; income: string }[]> {
  const { from, to, months } = periodOf(filters, today);
  const rows = await sql<{ month: string; income: string }[]>`
    select to_char(issue_date, 'YYYY-MM') as month, sum(amount)::text as income from (
      select issue_date, amount from rollups where grain = ${ROLLUP_GRAIN.feeIncome} and currency = ${code}
         and issue_date between ${`${from}-01`}::date and ${`${to}-01`}::date
      union all
      select issue_date, amount from rollup_deltas where grain = ${ROLLUP_GRAIN.feeIncome} and currency = ${code}
         and issue_date between ${`${from}-01`}::date and ${`${to}-01`}::date) x
     group by 1`;
  const byMonth = new Map(rows.map((r) => [r.month, r.income]));
  return months.map((m) => ({ month: m, income: moneyOut(byMonth.get(m) ?? '0', code) }));
}

/** The CSV of a period: client, id, currency, a column per month, the total. */
export function feeIncomeCsv(months: string[]): CsvColumn<FeeIncomeItem>[] {
  return [
    { header: 'Client', value: (r) => r.clientName },
    { header: 'Client id', value: (r) => r.clientId },
    { header: 'Currency', value: (r) => r.currency },
    ...months.map((m) => ({ header: m, value: (r: FeeIncomeItem) => r.months[m] ?? moneyOut('0', r.currency) })),
    { header: 'Total', value: (r) => r.total },
  ];
}

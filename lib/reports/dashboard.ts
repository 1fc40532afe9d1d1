import type postgres from 'postgres';
import type { Tx } from '../../db/client';
import { countPendingApprovals } from '../approvals';
import { listOpenAlerts, type OpenAlertView } from '../concentration';
import { todayIn } from '../dates';
import { DomainError } from '../errors';
import { Big, moneyOut } from '../money';
import { ROLLUP_GRAIN, topExposure } from './rollups';

export interface CurrencyTotals {
  currency: string;
  reserveHeld: string;
  receivables: string;
  fundsEmployed: string;
  feeIncome: string;
}

export type AgingBucketName = '0–30' | '31–60' | '61–90' | '90+';

export interface AgingBucket {
  bucket: AgingBucketName;
  currency: string;
  invoices: number;
  outstanding: string;
}

export interface DebtorExposure {
  debtorId: string;
  name: string;
  currency: string;
  outstanding: string;
  creditLimit: string;
}

export interface Dashboard {
  asOf: string;
  totals: CurrencyTotals[];
  aging: AgingBucket[];
  topDebtors: DebtorExposure[];
  counts: { clients: number; activeClients: number; openInvoices: number; awaitingVerification: number };
  /** funding holds, agreement changes and releases waiting for a decision */
  approvalsWaiting: number;
  alerts: OpenAlertView[];
}

/** The longest one dashboard statement may run before it is cancelled and its connection freed. */
export const DASHBOARD_STATEMENT_MS = 10_000;
/** The most connections one dashboard view uses at a time. */
export const DASHBOARD_CONNECTIONS = 2;

/**
 * Runs one dashboard statement; past the deadline it is cancelled (on the server too), so a slow
 * statement answers an error instead of holding a pooled connection for as long as it takes.
 */
async function bounded<T extends readonly postgres.MaybeRow[]>(query: postgres.PendingQuery<T>, deadlineMs: number): Promise<postgres.RowList<T>> {
  const timer = setTimeout(() => query.cancel(), deadlineMs);
  try {
    return await query;
  } catch (error) {
    if ((error as { code?: string }).code === '57014') {
      throw new DomainError('dashboard_timeout', `The dashboard took longer than ${deadlineMs / 1000} s to load; try again in a moment`, { status: 503 });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the tasks with at most `limit` in flight, in order; resolves with every result. After one
 * fails no other is started (the view has failed; its other statements would be wasted work).
 */
async function inTurns<T extends readonly (() => Promise<unknown>)[]>(limit: number, tasks: T): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, async () => {
    while (next < tasks.length && !failed) {
      const index = next;
      next += 1;
      try {
        results[index] = await tasks[index]!();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  await Promise.all(lanes);
  return results as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

/**
 * Reserve, receivable and fee income per currency: the accounts' kept balances summed per code and
 * currency by the roll-ups (grain 7, lib/reports/rollups.ts) — a row per code and currency, never
 * a row per account (10,000 clients have 40,000) or a journal line.
 */
function totalsQuery(tx: Tx) {
  return tx.sql<{ currency: string; reserve: string; receivable: string; fee_income: string }[]>`
    select currency,
           coalesce(sum(amount) filter (where tag = 'reserve'), 0) as reserve,
           coalesce(sum(amount) filter (where tag = 'receivable'), 0) as receivable,
           coalesce(sum(amount) filter (where tag = 'fee_income'), 0) as fee_income
      from (select currency, tag, amount from rollups where grain = ${ROLLUP_GRAIN.accountTotals}
            union all
            select currency, tag, amount from rollup_deltas where grain = ${ROLLUP_GRAIN.accountTotals}) a
     group by currency order by currency`;
}

/**
 * The open portfolio from the invoices' kept roll-ups (lib/reports/rollups.ts), in one statement
 * so every figure is of one snapshot: the aging per currency and bucket from the open invoices'
 * count and outstanding per (currency, issue date) — a bucket is a range of issue dates as of
 * `asOf`, so it sums a few hundred rows, however many invoices there are; the five largest debtor
 * exposures from the per (debtor, currency) roll-up, read in order (topExposure: a few rows); the
 * invoices per status. Each grain is its folded rows plus the deltas not yet folded, so it is exact at any
 * moment. What a debtor owes is `invoices.outstanding`, kept with every receivable posting
 * (audit:verify proves it equals the receivable lines, and the roll-ups a recount of the
 * invoices): no invoice row and no journal line is read.
 */
function openPortfolioQuery(tx: Tx, asOf: string) {
  return tx.sql<
    {
      part: 'aging' | 'debtor' | 'status';
      bucket: AgingBucketName | null;
      currency: string;
      invoices: number | null;
      outstanding: string;
      debtor_id: string | null;
      name: string | null;
      credit_limit: string | null;
      status: string | null;
    }[]
  >`
    with d as materialized (
      select grain, currency, ref_id, issue_date, tag, items, amount from rollup_deltas
       where grain in (${ROLLUP_GRAIN.agingByDate}, ${ROLLUP_GRAIN.debtorExposure}, ${ROLLUP_GRAIN.status})),
    by_date as (
      select currency, issue_date, items, amount from rollups where grain = ${ROLLUP_GRAIN.agingByDate}
      union all
      select currency, issue_date, items, amount from d where grain = ${ROLLUP_GRAIN.agingByDate}),
    aging as (
      select r.currency, b.bucket, sum(r.items)::int as invoices, sum(r.amount) as outstanding
        from by_date r
        cross join lateral (select case when ${asOf}::date - r.issue_date <= 30 then '0–30'
                                        when ${asOf}::date - r.issue_date <= 60 then '31–60'
                                        when ${asOf}::date - r.issue_date <= 90 then '61–90'
                                        else '90+' end as bucket) b
       group by r.currency, b.bucket
      having sum(r.items) > 0),
    ${topExposure(tx, ROLLUP_GRAIN.debtorExposure, 5)},
    per_status as (
      select tag as status, sum(items)::int as invoices from (
        select tag, items from rollups where grain = ${ROLLUP_GRAIN.status}
        union all
        select tag, items from d where grain = ${ROLLUP_GRAIN.status}) s
       group by tag having sum(items) <> 0)
    select 'aging' as part, row_number() over (order by currency, bucket) as ord, bucket, currency, invoices, outstanding,
           null::bigint as debtor_id, null::text as name, null::numeric as credit_limit, null::text as status
      from aging
    union all
    select 'debtor', row_number() over (order by t.total desc, t.ref_id, t.currency), null, t.currency, null, t.total, d.id, d.name, d.credit_limit, null
      from top t join debtors d on d.id = t.ref_id
    union all
    select 'status', row_number() over (order by status), null, '', invoices, '0', null, null, null, status
      from per_status
     order by part, ord`;
}

/** Clients and active clients (a row per client, never an invoice). */
function countsQuery(tx: Tx) {
  return tx.sql<{ clients: number; active: number }[]>`
    select count(*)::int as clients, (count(*) filter (where status = 'active'))::int as active from clients`;
}

/** The dashboard's own statements, unexecuted, for the plan checks of the tests and the bench (`explain ${statement}`). */
export function dashboardStatements(tx: Tx, asOf: string) {
  return { totals: totalsQuery(tx), openPortfolio: openPortfolioQuery(tx, asOf), counts: countsQuery(tx) };
}

/**
 * SPEC 8 dashboard: reserve totals per currency, funds employed (receivables less the reserve
 * held against them), aging of open invoices from their issue date, top debtor exposure,
 * approvals waiting and the open concentration alerts.
 *
 * Every figure is read from kept roll-ups (of the accounts' balances and of the invoices) or
 * bounded indexes (pending approvals, open alerts) — never from invoices, accounts or journal
 * lines, whose numbers grow with the portfolio and every day of accrual. Give it the pool, not a
 * transaction: each statement takes a pooled connection only while it runs, at most
 * DASHBOARD_CONNECTIONS at a time, and its own statements are cancelled after
 * DASHBOARD_STATEMENT_MS.
 */
export async function dashboard(tx: Tx, asOf: string = todayIn(), options: { deadlineMs?: number } = {}): Promise<Dashboard> {
  const deadline = options.deadlineMs ?? DASHBOARD_STATEMENT_MS;
  const [open, totals, counts, approvalsWaiting, alerts] = await inTurns(DASHBOARD_CONNECTIONS, [
    () => bounded(openPortfolioQuery(tx, asOf), deadline),
    () => bounded(totalsQuery(tx), deadline),
    () => bounded(countsQuery(tx), deadline),
    // one index lookup each (approval_requests_status_idx, releases_status_idx, concentration_alerts_one_open)
    () => countPendingApprovals(tx),
    () => listOpenAlerts(tx),
  ] as const);
  const aging = open.filter((r) => r.part === 'aging');
  const c = counts[0]!;
  return {
    asOf,
    totals: totals.map((t) => {
      const reserve = new Big(t.reserve).times(-1);
      const receivable = new Big(t.receivable);
      return {
        currency: t.currency,
        reserveHeld: moneyOut(reserve, t.currency),
        receivables: moneyOut(receivable, t.currency),
        fundsEmployed: moneyOut(receivable.minus(reserve), t.currency),
        feeIncome: moneyOut(new Big(t.fee_income).times(-1), t.currency),
      };
    }),
    aging: aging.map((a) => ({ bucket: a.bucket!, currency: a.currency, invoices: a.invoices!, outstanding: moneyOut(a.outstanding, a.currency) })),
    topDebtors: open
      .filter((r) => r.part === 'debtor')
      .map((d) => ({
        debtorId: d.debtor_id!,
        name: d.name!,
        currency: d.currency,
        outstanding: moneyOut(d.outstanding, d.currency),
        creditLimit: moneyOut(d.credit_limit, d.currency),
      })),
    counts: {
      clients: c.clients,
      activeClients: c.active,
      openInvoices: aging.reduce((n, a) => n + a.invoices!, 0),
      awaitingVerification: open.find((r) => r.part === 'status' && r.status === 'submitted')?.invoices ?? 0,
    },
    approvalsWaiting,
    alerts,
  };
}

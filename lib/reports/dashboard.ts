import type postgres from 'postgres';
import type { Tx } from '../../db/client';
import { countPendingApprovals } from '../approvals';
import { listOpenAlerts, type OpenAlertView } from '../concentration';
import { todayIn } from '../dates';
import { DomainError } from '../errors';
import { Big, moneyOut } from '../money';

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

/** Reserve, receivable and fee income per currency: the accounts' kept balances (one row per account, never their lines). */
function totalsQuery(tx: Tx) {
  return tx.sql<{ currency: string; reserve: string; receivable: string; fee_income: string }[]>`
    select currency,
           coalesce(sum(balance) filter (where code = 'reserve'), 0) as reserve,
           coalesce(sum(balance) filter (where code = 'receivable'), 0) as receivable,
           coalesce(sum(balance) filter (where code = 'fee_income'), 0) as fee_income
      from ledger_accounts group by currency order by currency`;
}

/**
 * The open portfolio in one pass over the open invoices (status funded or disputed, through
 * invoices_status_idx when settled history outweighs them) into one row per debtor and currency,
 * the buckets as filtered sums (hashed in memory, no sort), from which come the aging per
 * currency and the five largest debtor exposures. What a debtor owes is
 * `invoices.outstanding`, kept with every receivable posting (audit:verify proves it equals the
 * invoice's receivable lines), so no journal line is read. Settled, charged-back and written-off
 * invoices owe nothing (those commands credit the whole receivable), which is why the exposure
 * needs only the open ones.
 */
function openPortfolioQuery(tx: Tx, asOf: string) {
  return tx.sql<
    {
      part: 'aging' | 'debtor';
      bucket: AgingBucketName | null;
      currency: string;
      invoices: number | null;
      outstanding: string;
      debtor_id: string | null;
      name: string | null;
      credit_limit: string | null;
    }[]
  >`
    with open as materialized (
      select i.debtor_id, i.currency,
             count(*) filter (where age <= 30) as n1, coalesce(sum(i.outstanding) filter (where age <= 30), 0) as s1,
             count(*) filter (where age between 31 and 60) as n2, coalesce(sum(i.outstanding) filter (where age between 31 and 60), 0) as s2,
             count(*) filter (where age between 61 and 90) as n3, coalesce(sum(i.outstanding) filter (where age between 61 and 90), 0) as s3,
             count(*) filter (where age > 90) as n4, coalesce(sum(i.outstanding) filter (where age > 90), 0) as s4,
             coalesce(sum(i.outstanding), 0) as total
        from invoices i cross join lateral (select ${asOf}::date - i.issue_date as age) a
       where i.status in ('funded', 'disputed')
       group by i.debtor_id, i.currency),
    aging as (
      select o.currency, b.bucket, sum(b.n)::int as invoices, sum(b.s) as outstanding
        from open o
        cross join lateral (values ('0–30', o.n1, o.s1), ('31–60', o.n2, o.s2), ('61–90', o.n3, o.s3), ('90+', o.n4, o.s4)) as b(bucket, n, s)
       group by o.currency, b.bucket
      having sum(b.n) > 0),
    top as (
      select debtor_id, currency, total from open where total > 0
       order by total desc, debtor_id, currency limit 5)
    select 'aging' as part, row_number() over (order by currency, bucket) as ord, bucket, currency, invoices, outstanding,
           null::bigint as debtor_id, null::text as name, null::numeric as credit_limit
      from aging
    union all
    select 'debtor', row_number() over (order by t.total desc, t.debtor_id, t.currency), null, t.currency, null, t.total, d.id, d.name, d.credit_limit
      from top t join debtors d on d.id = t.debtor_id
     order by part, ord`;
}

function countsQuery(tx: Tx) {
  return tx.sql<{ clients: number; active: number; submitted: number }[]>`
    select (select count(*)::int from clients) as clients,
           (select count(*)::int from clients where status = 'active') as active,
           (select count(*)::int from invoices where status = 'submitted') as submitted`;
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
 * Every figure is read from kept figures (account balances, invoices' outstanding) or bounded
 * indexes (pending approvals, open alerts) — never from journal lines, whose number grows with
 * every day of accrual. Give it the pool, not a transaction: each statement takes a pooled
 * connection only while it runs, at most DASHBOARD_CONNECTIONS at a time, and its own statements
 * are cancelled after DASHBOARD_STATEMENT_MS.
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
    counts: { clients: c.clients, activeClients: c.active, openInvoices: aging.reduce((n, a) => n + a.invoices!, 0), awaitingVerification: c.submitted },
    approvalsWaiting,
    alerts,
  };
}

import type { Tx } from '../../db/client';
import { todayIn } from '../dates';
import { moneyOut } from '../money';
import { ROLLUP_GRAIN, topExposure } from './rollups';

export type Bucket = '0–30' | '31–60' | '61–90' | '90+';
export const BUCKETS: Bucket[] = ['0–30', '31–60', '61–90', '90+'];

/**
 * Issue 15 item 5: what the days of an aging are counted from — the invoice date (SPEC 8's aging,
 * `issued`) or the due date (days past due, `due`) — and the buckets of each. Days past due start
 * with the invoices not due yet.
 */
export type AgingBasis = 'issued' | 'due';
export const AGING_BASES: readonly AgingBasis[] = ['issued', 'due'];
export type DueBucket = 'Not due' | '1–30' | '31–60' | '61–90' | '90+';
export const DUE_BUCKETS: DueBucket[] = ['Not due', '1–30', '31–60', '61–90', '90+'];
export const BASIS_BUCKETS: Record<AgingBasis, readonly string[]> = { issued: BUCKETS, due: DUE_BUCKETS };
export const BASIS_LABELS: Record<AgingBasis, string> = { issued: 'By invoice date', due: 'By days past due' };

export interface AgingRow {
  id: string;
  name: string;
  currency: string;
  invoices: number;
  buckets: Record<Bucket, string>;
  total: string;
}

/**
 * Aging of what debtors still owe on open invoices (SPEC 8: 0–30, 31–60, 61–90, 90+ days since
 * the invoice date), per debtor or per client, the 500 largest — from the kept roll-ups
 * (lib/reports/rollups.ts), never a pass over the invoices: the 500 largest per (debtor | client,
 * currency) totals read in order through an index (lib/reports/rollups.ts topExposure), then
 * only those 500's rows per issue date (through the roll-ups' key index), bucketed as of `asOf`.
 * One statement, so one snapshot; each grain is its folded rows plus the deltas not yet folded.
 * Counts and sums are of the open invoices still owing (outstanding > 0), as before.
 */
export async function agingBy(tx: Tx, by: 'debtor' | 'client', asOf: string = todayIn()): Promise<AgingRow[]> {
  const total = by === 'debtor' ? ROLLUP_GRAIN.debtorExposure : ROLLUP_GRAIN.clientExposure;
  const dated = by === 'debtor' ? ROLLUP_GRAIN.debtorAging : ROLLUP_GRAIN.clientAging;
  const names = tx.sql.unsafe(by === 'debtor' ? 'debtors' : 'clients');
  const rows = await tx.sql<{ id: string; name: string; currency: string; invoices: number; b1: string; b2: string; b3: string; b4: string; total: string }[]>`
    with d as materialized (
      select grain, currency, ref_id, issue_date, items, amount from rollup_deltas where grain in (${total}, ${dated})),
    ${topExposure(tx, total, 500)},
    dated_delta as (
      select ref_id, currency, issue_date, sum(items) as items, sum(amount) as amount from d where grain = ${dated} group by ref_id, currency, issue_date),
    rows as (
      select t.ref_id, t.currency, t.total as ranked, r.issue_date, r.items, r.amount
        from top t join rollups r on r.grain = ${dated} and r.ref_id = t.ref_id and r.currency = t.currency
      union all
      select t.ref_id, t.currency, t.total, x.issue_date, x.items, x.amount
        from dated_delta x join top t on x.ref_id = t.ref_id and x.currency = t.currency),
    a as (
      select ref_id, currency, ranked, sum(items)::int as invoices,
             coalesce(sum(amount) filter (where ${asOf}::date - issue_date <= 30), 0) as b1,
             coalesce(sum(amount) filter (where ${asOf}::date - issue_date between 31 and 60), 0) as b2,
             coalesce(sum(amount) filter (where ${asOf}::date - issue_date between 61 and 90), 0) as b3,
             coalesce(sum(amount) filter (where ${asOf}::date - issue_date > 90), 0) as b4,
             sum(amount) as total
        from rows group by ref_id, currency, ranked having sum(items) > 0)
    select a.ref_id as id, g.name, a.currency, a.invoices, a.b1, a.b2, a.b3, a.b4, a.total
      from a join ${names} g on g.id = a.ref_id
     order by a.ranked desc, a.ref_id, a.currency`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    currency: r.currency,
    invoices: r.invoices,
    buckets: {
      '0–30': moneyOut(r.b1, r.currency),
      '31–60': moneyOut(r.b2, r.currency),
      '61–90': moneyOut(r.b3, r.currency),
      '90+': moneyOut(r.b4, r.currency),
    },
    total: moneyOut(r.total, r.currency),
  }));
}

import type { Tx } from '../../db/client';
import { todayIn } from '../dates';
import { moneyOut } from '../money';
import { ROLLUP_GRAIN } from './rollups';

export type Bucket = '0–30' | '31–60' | '61–90' | '90+';
export const BUCKETS: Bucket[] = ['0–30', '31–60', '61–90', '90+'];

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
 * the invoice date), per debtor or per client, the 500 largest — from the invoices' kept roll-ups
 * (lib/reports/rollups.ts), never a pass over the invoices: the ranking from the per (debtor |
 * client, currency) totals (a row per debtor or client), then only those 500's rows per issue date
 * (through the roll-ups' key index), bucketed as of `asOf`. One statement, so one snapshot; each
 * grain is its folded rows plus the deltas not yet folded. Counts and sums are of the open
 * invoices still owing (outstanding > 0), as before.
 */
export async function agingBy(tx: Tx, by: 'debtor' | 'client', asOf: string = todayIn()): Promise<AgingRow[]> {
  const total = by === 'debtor' ? ROLLUP_GRAIN.debtorExposure : ROLLUP_GRAIN.clientExposure;
  const dated = by === 'debtor' ? ROLLUP_GRAIN.debtorAging : ROLLUP_GRAIN.clientAging;
  const names = tx.sql.unsafe(by === 'debtor' ? 'debtors' : 'clients');
  const rows = await tx.sql<{ id: string; name: string; currency: string; invoices: number; b1: string; b2: string; b3: string; b4: string; total: string }[]>`
    with d as materialized (
      select grain, currency, ref_id, issue_date, invoices, outstanding from invoice_rollup_deltas where grain in (${total}, ${dated})),
    top as materialized (
      select ref_id, currency, sum(outstanding) as total
        from (select ref_id, currency, outstanding from invoice_rollups where grain = ${total}
              union all
              select ref_id, currency, outstanding from d where grain = ${total}) t
       group by ref_id, currency having sum(outstanding) > 0
       order by sum(outstanding) desc, ref_id, currency limit 500),
    rows as (
      select r.ref_id, r.currency, r.issue_date, r.invoices, r.outstanding
        from top t join invoice_rollups r on r.grain = ${dated} and r.ref_id = t.ref_id and r.currency = t.currency
      union all
      select x.ref_id, x.currency, x.issue_date, x.invoices, x.outstanding
        from d x join top t on x.grain = ${dated} and x.ref_id = t.ref_id and x.currency = t.currency),
    a as (
      select ref_id, currency, sum(invoices)::int as invoices,
             coalesce(sum(outstanding) filter (where ${asOf}::date - issue_date <= 30), 0) as b1,
             coalesce(sum(outstanding) filter (where ${asOf}::date - issue_date between 31 and 60), 0) as b2,
             coalesce(sum(outstanding) filter (where ${asOf}::date - issue_date between 61 and 90), 0) as b3,
             coalesce(sum(outstanding) filter (where ${asOf}::date - issue_date > 90), 0) as b4,
             sum(outstanding) as total
        from rows group by ref_id, currency having sum(invoices) > 0)
    select t.ref_id as id, g.name, t.currency, a.invoices, a.b1, a.b2, a.b3, a.b4, a.total
      from top t join a on a.ref_id = t.ref_id and a.currency = t.currency
      join ${names} g on g.id = t.ref_id
     order by t.total desc, t.ref_id, t.currency`;
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

import type { Tx } from '../../db/client';
import { todayIn } from '../dates';
import { moneyOut } from '../money';

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
 * the invoice date), per debtor or per client, in one set-based query over the open invoices'
 * kept `outstanding` (never their journal lines): grouped by id first, names joined to the 500
 * largest only.
 */
export async function agingBy(tx: Tx, by: 'debtor' | 'client', asOf: string = todayIn()): Promise<AgingRow[]> {
  const key = tx.sql.unsafe(by === 'debtor' ? 'i.debtor_id' : 'i.client_id');
  const names = tx.sql.unsafe(by === 'debtor' ? 'debtors' : 'clients');
  const rows = await tx.sql<{ id: string; name: string; currency: string; invoices: number; b1: string; b2: string; b3: string; b4: string; total: string }[]>`
    select a.id, g.name, a.currency, a.invoices, a.b1, a.b2, a.b3, a.b4, a.total
      from (select ${key} as id, i.currency, count(*)::int as invoices,
                   coalesce(sum(i.outstanding) filter (where ${asOf}::date - i.issue_date <= 30), 0) as b1,
                   coalesce(sum(i.outstanding) filter (where ${asOf}::date - i.issue_date between 31 and 60), 0) as b2,
                   coalesce(sum(i.outstanding) filter (where ${asOf}::date - i.issue_date between 61 and 90), 0) as b3,
                   coalesce(sum(i.outstanding) filter (where ${asOf}::date - i.issue_date > 90), 0) as b4,
                   sum(i.outstanding) as total
              from invoices i
             where i.status in ('funded', 'disputed') and i.outstanding > 0
             group by ${key}, i.currency
             order by sum(i.outstanding) desc, ${key}, i.currency limit 500) a
      join ${names} g on g.id = a.id
     order by a.total desc, a.id, a.currency`;
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

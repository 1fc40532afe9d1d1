import type { RawSql, Tx } from '../../db/client';
import { Big, moneyOut } from '../money';

export interface AccrualLine {
  date: string;
  kind: string;
  amount: string;
  cumulative: string;
}

/**
 * An invoice's fee history: every posting to its fees receivable, with the running fee. The daily
 * accruals are its rows of fee_accrual_lines, found through its client's accrual entries by their
 * keys (`accrual:<date>:<client>:<currency>`, one probe per day it has accrued, then one per entry
 * on the detail's key); a freeze's adjustment is a journal line tagged with it (the invoice index);
 * per-invoice accrual lines a database kept from before issue 13 are read through its client's
 * fees_receivable account, no later than the last date such lines were posted
 * (holdback_legacy_accrual_through(), migration 0016). Nothing here reads other invoices' history.
 */
export async function accrualHistory(tx: Tx, invoiceId: number, currency: string): Promise<AccrualLine[]> {
  const rows = await accrualHistorySql(tx.sql, invoiceId);
  let running = new Big(0);
  return rows.map((r) => {
    running = running.plus(r.amount);
    return { date: r.effective_date, kind: r.kind, amount: moneyOut(r.amount, currency), cumulative: moneyOut(running, currency) };
  });
}

/** The statement of accrualHistory (its plan is tested: an index path for every table it reads). */
export function accrualHistorySql(sql: RawSql, invoiceId: number) {
  return sql<{ effective_date: string; kind: string; amount: string }[]>`
    with f as (
      select f.invoice_id, f.client_id, f.currency, f.funding_date, f.accrual_start, ac.accrued_through
        from fee_accruals f left join accrual_clients ac on ac.client_id = f.client_id
       where f.invoice_id = ${invoiceId}
    )
    select x.effective_date, x.kind, x.amount from (
      select d.effective_date, 'accrual' as kind, d.amount, d.entry_id, 0::bigint as line_id
        from f
        cross join lateral generate_series(f.accrual_start::timestamp, f.accrued_through::timestamp, interval '1 day') g(day)
        -- a probe per day by the unique key (LIMIT keeps Postgres from turning it into a hash of every entry)
        cross join lateral (select e.id from journal_entries e
                             where e.idempotency_key = 'accrual:' || to_char(g.day, 'YYYY-MM-DD') || ':' || f.client_id || ':' || f.currency limit 1) e
        join fee_accrual_lines d on d.entry_id = e.id and d.invoice_id = f.invoice_id
      union all
      select l.effective_date, e.kind, l.amount, l.entry_id, l.id
        from f
        join journal_lines l on l.invoice_id = f.invoice_id and not l.accrual
        join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
        join journal_entries e on e.id = l.entry_id and e.kind = 'accrual'
      union all
      select l.effective_date, e.kind, l.amount, l.entry_id, l.id
        from f
        join ledger_accounts a on a.code = 'fees_receivable' and a.client_id = f.client_id and a.currency = f.currency
        join journal_lines l on l.account_id = a.id and l.effective_date between f.funding_date and holdback_legacy_accrual_through()
                            and l.invoice_id = f.invoice_id and l.accrual
        join journal_entries e on e.id = l.entry_id and e.kind = 'accrual'
    ) x
     order by x.effective_date, x.entry_id, x.line_id`;
}

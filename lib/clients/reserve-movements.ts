import type { Tx } from '../../db/client';
import { Big } from '../money';

/**
 * Issue 13, the client page at volume: the latest movements of the client's reserve, newest first,
 * each with the reserve held after it — counted back from the account's kept balance
 * (ledger_accounts.balance, which audit:verify proves equals the sum of its lines) instead of
 * forward from the first line ever posted. One index range per reserve account
 * (journal_lines_account_date_idx, read backwards) of `limit` lines: the cost does not grow with the
 * client's history. The whole ledger is the statements' and GET /clients/{id}/ledger's.
 */
export interface ReserveMovement {
  lineId: string;
  entryId: string;
  effectiveDate: string;
  kind: string;
  memo: string;
  currency: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  /** what the line added to the reserve held (a credit to the reserve account is positive here) */
  movement: Big;
  /** the reserve held after the line */
  held: Big;
}

export async function recentReserveMovements(tx: Tx, clientId: number, limit = 50): Promise<ReserveMovement[]> {
  const rows = await tx.sql<
    {
      id: string;
      entry_id: string;
      effective_date: string;
      currency: string;
      amount: string;
      invoice_id: string | null;
      after: string;
      kind: string;
      memo: string;
      number: string | null;
    }[]
  >`
    with acct as (select id, currency, balance from ledger_accounts where client_id = ${clientId} and code = 'reserve'),
    page as (
      select a.currency, a.balance, l.*
        from acct a
        cross join lateral (
          select l.id, l.entry_id, l.effective_date, l.amount, l.invoice_id
            from journal_lines l
           where l.account_id = a.id
           order by l.effective_date desc, l.entry_id desc, l.id desc
           limit ${limit}) l),
    ranked as (
      select page.*,
             -- the balance after a line: the kept balance less every line after it (newest first, the lines before it in this order)
             page.balance - coalesce(sum(page.amount) over (partition by page.currency order by page.effective_date desc, page.entry_id desc, page.id desc
                                                       rows between unbounded preceding and 1 preceding), 0) as after
        from page)
    select r.id::text, r.entry_id::text, r.effective_date::text, r.currency, r.amount, r.invoice_id::text, r.after, e.kind, e.memo, i.number
      from ranked r
      join journal_entries e on e.id = r.entry_id
      left join invoices i on i.id = r.invoice_id
     order by r.effective_date desc, r.entry_id desc, r.id desc
     limit ${limit}`;
  return rows.map((r) => ({
    lineId: r.id,
    entryId: r.entry_id,
    effectiveDate: r.effective_date,
    kind: r.kind,
    memo: r.memo,
    currency: r.currency,
    invoiceId: r.invoice_id,
    invoiceNumber: r.number,
    movement: new Big(r.amount).times(-1),
    held: new Big(r.after).times(-1),
  }));
}

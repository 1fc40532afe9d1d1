import type { Tx } from '../../db/client';
import { Big, moneyOut } from '../money';

export interface FeeIncomeRow {
  month: string;
  clientId: string;
  clientName: string;
  currency: string;
  income: string;
}

/** Fee income (service, flat and accrued fees) by client and month, from the ledger (SPEC 8 reports). */
export async function feeIncomeByClientMonth(tx: Tx, range: { from?: string; to?: string } = {}): Promise<FeeIncomeRow[]> {
  const rows = await tx.sql<{ month: string; client_id: string; name: string; currency: string; income: string }[]>`
    select to_char(date_trunc('month', l.effective_date), 'YYYY-MM') as month, e.client_id, c.name, l.currency, -sum(l.amount) as income
      from journal_lines l
      join ledger_accounts a on a.id = l.account_id and a.code = 'fee_income'
      join journal_entries e on e.id = l.entry_id
      join clients c on c.id = e.client_id
     where (${range.from ?? null}::date is null or l.effective_date >= ${range.from ?? null}::date)
       and (${range.to ?? null}::date is null or l.effective_date <= ${range.to ?? null}::date)
     group by 1, e.client_id, c.name, l.currency
     order by 1 desc, c.name, l.currency`;
  return rows.map((r) => ({ month: r.month, clientId: r.client_id, clientName: r.name, currency: r.currency, income: moneyOut(r.income, r.currency) }));
}

export interface AccrualLine {
  date: string;
  kind: string;
  amount: string;
  cumulative: string;
}

/** An invoice's fee history: every posting to its fees receivable, with the running fee. */
export async function accrualHistory(tx: Tx, invoiceId: number, currency: string): Promise<AccrualLine[]> {
  const rows = await tx.sql<{ effective_date: string; kind: string; amount: string }[]>`
    select l.effective_date, e.kind, l.amount
      from invoices i
      join ledger_accounts a on a.code = 'fees_receivable' and a.client_id = i.client_id and a.currency = i.currency
      join journal_lines l on l.account_id = a.id and l.invoice_id = i.id
      join journal_entries e on e.id = l.entry_id
     where i.id = ${invoiceId} and e.kind = 'accrual'
     order by l.effective_date, l.id`;
  let running = new Big(0);
  return rows.map((r) => {
    running = running.plus(r.amount);
    return { date: r.effective_date, kind: r.kind, amount: moneyOut(r.amount, currency), cumulative: moneyOut(running, currency) };
  });
}

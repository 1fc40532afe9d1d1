import type { Tx } from '../../db/client';
import { todayIn } from '../dates';
import { Big, moneyOut } from '../money';

export interface CurrencyTotals {
  currency: string;
  reserveHeld: string;
  receivables: string;
  fundsEmployed: string;
  feeIncome: string;
}

export interface AgingBucket {
  bucket: '0–30' | '31–60' | '61–90' | '90+';
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
}

/**
 * SPEC 8 dashboard: reserve totals per currency, funds employed (receivables less the reserve
 * held against them), aging of open invoices from their issue date, top debtor exposure.
 */
export async function dashboard(tx: Tx, asOf: string = todayIn()): Promise<Dashboard> {
  const totals = await tx.sql<{ currency: string; reserve: string; receivable: string; fee_income: string }[]>`
    select currency,
           coalesce(sum(balance) filter (where code = 'reserve'), 0) as reserve,
           coalesce(sum(balance) filter (where code = 'receivable'), 0) as receivable,
           coalesce(sum(balance) filter (where code = 'fee_income'), 0) as fee_income
      from ledger_accounts group by currency order by currency`;
  const open = await tx.sql<{ bucket: AgingBucket['bucket']; currency: string; invoices: number; outstanding: string }[]>`
    with o as (
      select i.id, i.currency, (${asOf}::date - i.issue_date) as age,
             coalesce((select sum(l.amount) from journal_lines l join ledger_accounts a on a.id = l.account_id
                        where l.invoice_id = i.id and a.code = 'receivable'), 0) as outstanding
        from invoices i where i.status in ('funded', 'disputed'))
    select case when age <= 30 then '0–30' when age <= 60 then '31–60' when age <= 90 then '61–90' else '90+' end as bucket,
           currency, count(*)::int as invoices, sum(outstanding) as outstanding
      from o group by 1, 2 order by 2, 1`;
  const debtors = await tx.sql<{ id: string; name: string; currency: string; outstanding: string; credit_limit: string }[]>`
    select d.id, d.name, l.currency, sum(l.amount) as outstanding, d.credit_limit
      from journal_lines l
      join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
      join invoices i on i.id = l.invoice_id
      join debtors d on d.id = i.debtor_id
     group by d.id, d.name, l.currency, d.credit_limit
    having sum(l.amount) > 0
     order by sum(l.amount) desc limit 5`;
  const [counts] = await tx.sql<{ clients: number; active: number; open: number; submitted: number }[]>`
    select (select count(*)::int from clients) as clients,
           (select count(*)::int from clients where status = 'active') as active,
           (select count(*)::int from invoices where status in ('funded', 'disputed')) as open,
           (select count(*)::int from invoices where status = 'submitted') as submitted`;
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
    aging: open.map((a) => ({ bucket: a.bucket, currency: a.currency, invoices: a.invoices, outstanding: moneyOut(a.outstanding, a.currency) })),
    topDebtors: debtors.map((d) => ({ debtorId: d.id, name: d.name, currency: d.currency, outstanding: moneyOut(d.outstanding, d.currency), creditLimit: moneyOut(d.credit_limit, d.currency) })),
    counts: { clients: counts!.clients, activeClients: counts!.active, openInvoices: counts!.open, awaitingVerification: counts!.submitted },
  };
}

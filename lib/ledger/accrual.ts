import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { Big } from '../money';

/**
 * The set-based writer of fee accruals (SPEC 4), part of lib/ledger because it writes journal
 * rows: for one business date and a set of clients, in ONE statement, it computes every open
 * invoice's fee to date from fee_accruals, and posts the difference from what was posted before —
 * Dr fees_receivable per invoice, Cr fee_income per client and currency, one entry per client and
 * currency keyed `accrual:<date>:<client>:<currency>` — then records the new accrued amounts and
 * the account balances. Never a query per invoice.
 *
 * The fee formulas mirror lib/fees/schedule.ts exactly (a test compares them on random invoices):
 * - tiered: face × initialRate, plus face × stepRate per started stepDays after initialDays;
 * - daily_rate: base × d × rate / days-in-year, where an `outstanding` base subtracts each
 *   receivable credit × the days since it (credited invoices only read the ledger);
 * - flat fees were taken at funding and do not accrue.
 */
export interface AccrualChunkResult {
  invoices: number;
  posted: Map<string, Big>;
}

export async function postAccrualChunk(tx: Tx, options: { date: string; clientIds: number[]; by: Actor }): Promise<AccrualChunkResult> {
  const { date, clientIds, by } = options;
  // The accounts it will touch exist, and are locked in id order like every other poster's.
  await tx.sql`
    insert into ledger_accounts (code, currency, client_id)
    select distinct 'fees_receivable', currency, client_id from fee_accruals
     where client_id = any(${clientIds}::bigint[]) and frozen_on is null and kind <> 'flat'
    union
    select distinct 'fee_income', currency, null::bigint from fee_accruals
     where client_id = any(${clientIds}::bigint[]) and frozen_on is null and kind <> 'flat'
    on conflict do nothing`;
  await tx.sql`
    select id from ledger_accounts
     where (code = 'fees_receivable' and client_id = any(${clientIds}::bigint[])) or (code = 'fee_income' and client_id is null)
     order by id for update`;
  const rows = await tx.sql<{ currency: string; invoices: number; total: string }[]>`
    with calc as (
      select f.invoice_id, f.client_id, f.currency, f.accrued,
             round(case f.kind
               when 'tiered' then
                 f.face * f.rate
                 + case when x.d > f.initial_days then f.face * f.step_rate * ceil((x.d - f.initial_days)::numeric / f.step_days) else 0 end
               when 'daily_rate' then
                 (case f.base when 'advance' then f.advance else f.face end * x.d
                  - case when f.base = 'outstanding' and f.credited then coalesce((
                      select sum(-l.amount * (${date}::date - l.effective_date))
                        from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                       where l.invoice_id = f.invoice_id and l.amount < 0 and l.effective_date < ${date}::date), 0)
                    else 0 end) * f.rate / f.days_in_year
               else 0 end, holdback_minor_units(f.currency)) as fee
        from fee_accruals f
        cross join lateral (select ${date}::date - f.funding_date as d) x
       where f.client_id = any(${clientIds}::bigint[]) and f.frozen_on is null and f.kind <> 'flat' and f.funding_date <= ${date}::date
    ),
    deltas as (
      select invoice_id, client_id, currency, fee, fee - accrued as delta, 'accrual:' || ${date} || ':' || client_id || ':' || currency as key
        from calc where fee <> accrued),
    entries as (
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by_user_id, posted_by, request_id)
      select ${date}::date, 'accrual', key, client_id, 'Fee accrual for ' || ${date}, ${by.userId}::bigint, ${by.label}, ${by.requestId}
        from deltas group by key, client_id
      on conflict (idempotency_key) do nothing
      returning id, idempotency_key
    ),
    posted as (
      select d.invoice_id, d.currency, d.fee, d.delta, e.id as entry_id, r.id as receivable_id, i.id as income_id
        from deltas d
        join entries e on e.idempotency_key = d.key
        join ledger_accounts r on r.code = 'fees_receivable' and r.currency = d.currency and r.client_id = d.client_id
        join ledger_accounts i on i.code = 'fee_income' and i.currency = d.currency and i.client_id is null
    ),
    lines as (
      insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
      select entry_id, receivable_id, currency, delta, ${date}::date, invoice_id from posted
      union all
      select entry_id, income_id, currency, -sum(delta), ${date}::date, null from posted group by entry_id, income_id, currency having sum(delta) <> 0
      returning account_id, amount
    ),
    balances as (
      update ledger_accounts a set balance = a.balance + s.total
        from (select account_id, sum(amount) as total from lines group by account_id) s
       where a.id = s.account_id
    ),
    accrued as (
      update fee_accruals f set accrued = p.fee from posted p where f.invoice_id = p.invoice_id
    )
    select currency, count(*)::int as invoices, sum(delta) as total from posted group by currency`;
  await tx.sql`
    insert into accrual_clients (client_id, accrued_through)
    select unnest(${clientIds}::bigint[]), ${date}::date
    on conflict (client_id) do update set accrued_through = greatest(accrual_clients.accrued_through, excluded.accrued_through)`;
  const posted = new Map<string, Big>();
  let invoices = 0;
  for (const r of rows) {
    posted.set(r.currency, new Big(r.total));
    invoices += r.invoices;
  }
  return { invoices, posted };
}

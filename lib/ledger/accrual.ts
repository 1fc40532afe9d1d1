import type { RawSql, Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { Big } from '../money';

/**
 * The set-based writer of fee accruals (SPEC 4), part of lib/ledger because it writes journal
 * rows: for one business date and a set of clients, in ONE statement, it computes every open
 * invoice's fee to date from fee_accruals, and posts the difference from what was posted before —
 * Dr fees_receivable per invoice, Cr fee_income per client and currency, one entry per client and
 * currency keyed `accrual:<date>:<client>:<currency>`. Never a query per invoice.
 *
 * What was posted before needs no per-invoice bookkeeping: every run for a client takes all of
 * its open invoices, so an invoice included since `accrual_start` has had round(fee) as of the
 * client's previous run posted, exactly (the deltas telescope). Only invoices whose outstanding
 * base changed with a payment ("credited") keep their posted amount in fee_accruals.accrued.
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

/** fee(d) in SQL over fee_accruals `f`, for a day count `d` and a credit weight `w` (Σ credit × days since). */
export function feeSql(sql: RawSql, d: ReturnType<RawSql['unsafe']>, w: ReturnType<RawSql['unsafe']>) {
  return sql`round(case f.kind
    when 'tiered' then
      f.face * f.rate + case when ${d} > f.initial_days then f.face * f.step_rate * ceil((${d} - f.initial_days)::numeric / f.step_days) else 0 end
    when 'daily_rate' then
      (case f.base when 'advance' then f.advance else f.face end * ${d} - ${w}) * f.rate / f.days_in_year
    else 0 end, holdback_minor_units(f.currency))`;
}

export async function postAccrualChunk(tx: Tx, options: { date: string; clientIds: number[]; by: Actor }): Promise<AccrualChunkResult> {
  const { date, clientIds, by } = options;
  const sql = tx.sql;
  // Fundings of these clients wait (they lock the client row to decide an invoice's accrual start).
  await sql`select id from clients where id = any(${clientIds}::bigint[]) order by id for share`;
  // The accounts it will touch exist, and are locked in id order like every other poster's.
  await sql`
    insert into ledger_accounts (code, currency, client_id)
    select distinct 'fees_receivable', f.currency, f.client_id from fee_accruals f join unnest(${clientIds}::bigint[]) c(id) on c.id = f.client_id
     where f.frozen_on is null and f.kind <> 'flat'
    union
    select distinct 'fee_income', f.currency, null::bigint from fee_accruals f join unnest(${clientIds}::bigint[]) c(id) on c.id = f.client_id
     where f.frozen_on is null and f.kind <> 'flat'
    on conflict do nothing`;
  await sql`
    select a.id from ledger_accounts a
     where (a.code = 'fees_receivable' and a.client_id = any(${clientIds}::bigint[])) or (a.code = 'fee_income' and a.client_id is null)
     order by a.id for update`;
  const rows = await sql<{ currency: string; invoices: number; total: string }[]>`
    with chunk as (select unnest(${clientIds}::bigint[]) as id),
    calc as (
      select f.invoice_id, f.client_id, f.currency, f.credited,
             ${feeSql(sql, sql.unsafe('x.d'), sql.unsafe('x.w'))} as fee,
             case when f.credited then f.accrued
                  when ac.accrued_through >= f.accrual_start then ${feeSql(sql, sql.unsafe('x.prev'), sql.unsafe('0'))}
                  else 0 end as prior
        from fee_accruals f
        join chunk on chunk.id = f.client_id
        left join accrual_clients ac on ac.client_id = f.client_id
        cross join lateral (
          select ${date}::date - f.funding_date as d,
                 ac.accrued_through - f.funding_date as prev,
                 case when f.credited and f.base = 'outstanding' then coalesce((
                   select sum(-l.amount * (${date}::date - l.effective_date))
                     from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                    where l.invoice_id = f.invoice_id and not l.accrual and l.amount < 0 and l.effective_date < ${date}::date), 0)
                 else 0 end as w) x
       where f.frozen_on is null and f.kind <> 'flat' and f.accrual_start <= ${date}::date
         -- a client a later run has taken past this date already is skipped, never posted backwards
         and (ac.accrued_through is null or ac.accrued_through < ${date}::date)
    ),
    deltas as (
      select invoice_id, client_id, currency, credited, fee, fee - prior as delta,
             'accrual:' || ${date} || ':' || client_id || ':' || currency as key
        from calc where fee <> prior),
    entries as (
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by_user_id, posted_by, request_id)
      select ${date}::date, 'accrual', key, client_id, 'Fee accrual for ' || ${date}, ${by.userId}::bigint, ${by.label}, ${by.requestId}
        from deltas group by key, client_id
      on conflict (idempotency_key) do nothing
      returning id, idempotency_key
    ),
    posted as (
      select d.invoice_id, d.currency, d.credited, d.fee, d.delta, e.id as entry_id, r.id as receivable_id, i.id as income_id
        from deltas d
        join entries e on e.idempotency_key = d.key
        join ledger_accounts r on r.code = 'fees_receivable' and r.currency = d.currency and r.client_id = d.client_id
        join ledger_accounts i on i.code = 'fee_income' and i.currency = d.currency and i.client_id is null
    ),
    lines as (
      insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
      select entry_id, receivable_id, currency, delta, ${date}::date, invoice_id, true from posted
      union all
      select entry_id, income_id, currency, -sum(delta), ${date}::date, null, false from posted group by entry_id, income_id, currency having sum(delta) <> 0
    ),
    balances as (
      update ledger_accounts a set balance = a.balance + s.total
        from (select receivable_id as account_id, sum(delta) as total from posted group by receivable_id
              union all
              select income_id, -sum(delta) from posted group by income_id) s
       where a.id = s.account_id
    ),
    credited as (
      update fee_accruals f set accrued = p.fee from posted p where p.credited and f.invoice_id = p.invoice_id
    )
    select currency, count(*)::int as invoices, sum(delta) as total from posted group by currency`;
  await sql`
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

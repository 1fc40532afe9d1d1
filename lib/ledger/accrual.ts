import type postgres from 'postgres';
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
type Fragment = postgres.PendingQuery<postgres.Row[]>;

export function feeSql(sql: RawSql, d: Fragment, w: Fragment): Fragment {
  // unit = base × rate (daily_rate) or face × stepRate (tiered); initial = face × initialRate.
  return sql`round(case f.kind
    when 'daily_rate' then (f.unit * ${d} - ${w} * f.rate) / f.days_in_year
    when 'tiered' then f.initial + case when ${d} > f.initial_days then f.unit * ceil((${d} - f.initial_days)::numeric / f.step_days) else 0 end
    else 0 end, f.minor_units)`;
}

/**
 * After a bulk posting: summarize the new block ranges of the BRIN index on entry ids (autovacuum
 * does it too, later), so looking up an entry's lines reads only the ranges that hold them.
 * Postgres lets only the index's owner do it; the app role owns nothing, so it goes through the
 * owner's SECURITY DEFINER function of migration 0015.
 */
export async function summarizeLedgerIndexes(sql: RawSql): Promise<void> {
  await sql`select holdback_summarize_ledger_indexes()`;
}

export async function postAccrualChunk(tx: Tx, options: { date: string; clientIds: number[]; by: Actor }): Promise<AccrualChunkResult> {
  const { date, clientIds, by } = options;
  const sql = tx.sql;
  // Fundings of these clients wait (they lock the client row to decide an invoice's accrual start).
  await sql`select id from clients where id = any(${clientIds}::bigint[]) order by id for share`;
  // The accounts it will touch exist, and are locked in id order like every other poster's.
  await sql`
    with pairs as (
      select distinct f.client_id, f.currency from fee_accruals f join unnest(${clientIds}::bigint[]) c(id) on c.id = f.client_id
       where f.frozen_on is null and f.kind <> 'flat')
    insert into ledger_accounts (code, currency, client_id)
    select 'fees_receivable', currency, client_id from pairs
    union
    select distinct 'fee_income', currency, null::bigint from pairs
    on conflict do nothing`;
  await sql`
    select a.id from ledger_accounts a
     where (a.code = 'fees_receivable' and a.client_id = any(${clientIds}::bigint[])) or (a.code = 'fee_income' and a.client_id is null)
     order by a.id for update`;
  // JIT compilation would cost more than it saves on these statements; sorts and hashes of a
  // chunk fit in memory.
  await sql`set local jit = off`;
  await sql`set local work_mem = '64MB'`;
  // 1. Every open invoice's delta, computed once into a scratch table (no WAL, good statistics).
  await sql`create temp table accrual_work (invoice_id bigint, client_id bigint, currency char(3), credited boolean, fee numeric, delta numeric, receivable_id bigint) on commit drop`;
  await sql`create temp table accrual_entries (id bigint, client_id bigint, currency char(3)) on commit drop`;
  await sql`
    insert into accrual_work
    select invoice_id, client_id, currency, credited, fee, fee - prior, receivable_id from (
      select f.invoice_id, f.client_id, f.currency, f.credited, r.id as receivable_id,
             ${feeSql(
               sql,
               sql`(${date}::date - f.funding_date)`,
               sql`case when f.credited and f.base = 'outstanding' then coalesce((
                     select sum(-l.amount * (${date}::date - l.effective_date))
                       from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                      where l.invoice_id = f.invoice_id and not l.accrual and l.amount < 0 and l.effective_date < ${date}::date), 0)
                   else 0 end`,
             )} as fee,
             case when f.credited then f.accrued
                  when ac.accrued_through >= f.accrual_start then ${feeSql(sql, sql`(ac.accrued_through - f.funding_date)`, sql`0`)}
                  else 0 end as prior
        from fee_accruals f
        join unnest(${clientIds}::bigint[]) c(id) on c.id = f.client_id
        join ledger_accounts r on r.code = 'fees_receivable' and r.client_id = f.client_id and r.currency = f.currency
        left join accrual_clients ac on ac.client_id = f.client_id
       where f.frozen_on is null and f.kind <> 'flat' and f.accrual_start <= ${date}::date
         -- a client a later run has taken past this date already is skipped, never posted backwards
         and (ac.accrued_through is null or ac.accrued_through < ${date}::date)
      offset 0 -- evaluate the fees once per invoice, not again in the filter
    ) x where fee <> prior`;
  await sql`analyze accrual_work`;
  // 2. One entry per client and currency, and every line, in one statement (the balance trigger
  //    checks them together).
  await sql`
    with entries as (
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by_user_id, posted_by, request_id)
      select ${date}::date, 'accrual', 'accrual:' || ${date} || ':' || client_id || ':' || currency, client_id,
             'Fee accrual for ' || ${date}, ${by.userId}::bigint, ${by.label}, ${by.requestId}
        from (select distinct client_id, currency from accrual_work) k
      on conflict (idempotency_key) do nothing
      returning id, client_id, split_part(idempotency_key, ':', 4)::char(3) as currency
    ),
    kept as (insert into accrual_entries select id, client_id, currency from entries),
    income as (select id, currency from ledger_accounts where code = 'fee_income' and client_id is null)
    insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
    select e.id, w.receivable_id, w.currency, w.delta, ${date}::date, w.invoice_id, true
      from accrual_work w join entries e on e.client_id = w.client_id and e.currency = w.currency
    union all
    select e.id, i.id, e.currency, -sum(w.delta), ${date}::date, null, false
      from accrual_work w join entries e on e.client_id = w.client_id and e.currency = w.currency join income i on i.currency = e.currency
     group by e.id, i.id, e.currency having sum(w.delta) <> 0`;
  // A racing run could only have found these entries posted already (their clients are locked):
  // then nothing above was inserted, and nothing below may count.
  const [kept] = await sql<{ missing: boolean }[]>`
    select (select count(*) from accrual_entries) < (select count(*) from (select distinct client_id, currency from accrual_work) p) as missing`;
  if (kept!.missing) {
    await sql`delete from accrual_work w where not exists (select 1 from accrual_entries e where e.client_id = w.client_id and e.currency = w.currency)`;
  }
  // 3. Balances, and the posted amounts of credited invoices.
  await sql`
    update ledger_accounts a set balance = a.balance + s.total
      from (select receivable_id as account_id, sum(delta) as total from accrual_work group by receivable_id
            union all
            select i.id, -sum(w.delta) from accrual_work w join ledger_accounts i on i.code = 'fee_income' and i.client_id is null and i.currency = w.currency group by i.id) s
     where a.id = s.account_id`;
  await sql`update fee_accruals f set accrued = w.fee from accrual_work w where w.credited and f.invoice_id = w.invoice_id`;
  const rows = await sql<{ currency: string; invoices: number; total: string }[]>`
    select currency, count(*)::int as invoices, sum(delta) as total from accrual_work group by currency`;
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

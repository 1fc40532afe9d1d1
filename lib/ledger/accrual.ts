import type postgres from 'postgres';
import type { RawSql, Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { Big } from '../money';

/**
 * The set-based writer of fee accruals (SPEC 4), part of lib/ledger because it writes journal
 * rows: for one business date and a set of clients, in ONE statement, it computes every open
 * invoice's fee to date from fee_accruals and posts the difference from what was posted before.
 *
 * The journal stays per client and day (issue 13: history must not slow the present): one entry
 * per client and currency keyed `accrual:<date>:<client>:<currency>`, with ONE fees_receivable line
 * (accrual, no invoice: the sum of its invoices' differences) and one fee_income line. The
 * difference per invoice and date goes to `fee_accrual_lines` (entry, invoice, date, amount),
 * append-only like the journal; the database refuses a statement after which an accrual entry's
 * fees_receivable line differs from the sum of its detail (migration 0016). Never a query per invoice.
 *
 * What was posted before needs no per-invoice bookkeeping: every run for a client takes all of
 * its open invoices, so an invoice included since `accrual_start` has had round(fee) as of the
 * client's previous run posted, exactly (the deltas telescope). Only invoices whose outstanding
 * base changed with a payment ("credited") keep their posted amount in fee_accruals.accrued, and
 * frozen ones the fee they froze at. postedFeeSql says it in SQL, and every reader of an
 * invoice's fee to date (the invoice view, freezing, markCredited, releases) uses it: none reads
 * the ledger's history for it.
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

type Fragment = postgres.PendingQuery<postgres.Row[]>;

/**
 * fee(d) in SQL over fee_accruals `f`, for a day count `d` and a credit weight `w` (Σ credit ×
 * days since; none when no credit lowers the base — a multiplication and a subtraction fewer per
 * invoice, which a million invoices a day notice).
 */
export function feeSql(sql: RawSql, d: Fragment, w?: Fragment): Fragment {
  // unit = base × rate (daily_rate) or face × stepRate (tiered); initial = face × initialRate.
  return sql`round(case f.kind
    when 'daily_rate' then (${w ? sql`f.unit * ${d} - ${w} * f.rate` : sql`f.unit * ${d}`}) / f.days_in_year
    when 'tiered' then f.initial + case when ${d} > f.initial_days then f.unit * ceil((${d} - f.initial_days)::numeric / f.step_days) else 0 end
    else 0 end, f.minor_units)`;
}

/**
 * What fees_receivable holds from accrual for the invoice of fee_accruals `f` — its fee to date
 * as posted — from its state alone, never the ledger: frozen → the fee it froze at; credited →
 * `accrued` (kept by each run); else fee(accrued_through − funding_date) once its client's runs
 * reached its accrual_start (the deltas telescope), 0 before. `through` is the client's
 * accrual_clients.accrued_through when the caller joins it already (the daily run); by default a
 * primary-key read of it.
 */
export function postedFeeSql(sql: RawSql, through?: Fragment): Fragment {
  if (!through) {
    return sql`(case when f.frozen_on is not null or f.credited then f.accrued
      else coalesce((select ${postedFeeSql(sql, sql`ac.accrued_through`)} from accrual_clients ac where ac.client_id = f.client_id), 0) end)`;
  }
  return sql`(case when f.frozen_on is not null or f.credited then f.accrued
    when ${through} >= f.accrual_start then ${feeSql(sql, sql`(${through} - f.funding_date)`)}
    else 0 end)`;
}

/** An invoice's fee to date by its id (postedFeeSql): a primary-key read of fee_accruals and one of accrual_clients. */
export function feeToDateSql(sql: RawSql, invoiceId: number): Fragment {
  return sql`select ${postedFeeSql(sql)} as fee from fee_accruals f where f.invoice_id = ${invoiceId}`;
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
  // The accounts it will touch exist, and are locked in id order like every other poster's. A
  // funded invoice's client has a receivable account in its currency (funding posts to it): only
  // where the fees_receivable account beside it is missing is fee_accruals asked whether an open
  // invoice accrues in that currency (a client's first accrual in it), never read whole.
  await sql`
    with pairs as (
      select a.client_id, a.currency from ledger_accounts a
       where a.code = 'receivable' and a.client_id = any(${clientIds}::bigint[])
         and not exists (select 1 from ledger_accounts b where b.code = 'fees_receivable' and b.client_id = a.client_id and b.currency = a.currency)
         and exists (select 1 from fee_accruals f where f.client_id = a.client_id and f.currency = a.currency and f.frozen_on is null and f.kind <> 'flat'))
    insert into ledger_accounts (code, currency, client_id)
    select 'fees_receivable', currency, client_id from pairs
    union
    select distinct 'fee_income', a.currency, null::bigint from ledger_accounts a
     where a.code = 'receivable' and a.client_id = any(${clientIds}::bigint[])
       and not exists (select 1 from ledger_accounts g where g.code = 'fee_income' and g.client_id is null and g.currency = a.currency)
    on conflict do nothing`;
  await sql`
    select a.id from ledger_accounts a
     where (a.code = 'fees_receivable' and a.client_id = any(${clientIds}::bigint[])) or (a.code = 'fee_income' and a.client_id is null)
     order by a.id for update`;
  // JIT compilation would cost more than it saves on these statements; sorts and hashes of a
  // chunk fit in memory. Postgres cannot see how few entries a chunk has (a row per client and
  // currency, against a row per invoice) and would sort every invoice to merge-join them: a hash
  // join of the invoices against the entries is what the statement needs.
  await sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true), set_config('enable_mergejoin', 'off', true)`;
  // Every open invoice's difference, computed once (a materialized CTE), then in the same statement
  // (one snapshot, the tie checked once at its end): one entry per client and currency, its two
  // lines, the invoices' detail, the balances, the posted amounts of credited invoices and the
  // clients' "accrued through". An entry a racing run posted first is not posted again (on
  // conflict), and nothing of its clients below counts.
  const rows = await sql<{ currency: string; invoices: number; total: string }[]>`
    with work as materialized (
      -- the chunk's clients first (their fees_receivable account in each currency, how far they
      -- were accrued), then each client's open invoices through the open-invoice index: per-client
      -- facts are looked up once per client, not once per invoice
      select k.client_id, k.currency, k.receivable_id, x.invoice_id, x.credited, x.fee, x.fee - x.prior as delta
        from (select c.id as client_id, r.currency, r.id as receivable_id, ac.accrued_through
                from unnest(${clientIds}::bigint[]) c(id)
                join ledger_accounts r on r.code = 'fees_receivable' and r.client_id = c.id
                left join accrual_clients ac on ac.client_id = c.id
               -- a client a later run has taken past this date already is skipped, never posted backwards
               where ac.accrued_through is null or ac.accrued_through < ${date}::date) k
        cross join lateral (
          select f.invoice_id, f.credited,
                 case when f.credited and f.base = 'outstanding' then ${feeSql(
                   sql,
                   sql`(${date}::date - f.funding_date)`,
                   sql`coalesce((
                         select sum(-l.amount * (${date}::date - l.effective_date))
                           from journal_lines l join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                          where l.invoice_id = f.invoice_id and not l.accrual and l.amount < 0 and l.effective_date < ${date}::date), 0)`,
                 )} else ${feeSql(sql, sql`(${date}::date - f.funding_date)`)} end as fee,
                 ${postedFeeSql(sql, sql`k.accrued_through`)} as prior
            from fee_accruals f
           where f.client_id = k.client_id and f.currency = k.currency and f.frozen_on is null and f.kind <> 'flat' and f.accrual_start <= ${date}::date
          offset 0 -- evaluate the fees once per invoice, not again in the filter
        ) x
       where x.fee <> x.prior
    ),
    sums as (
      select client_id, currency, receivable_id, count(*)::int as n, sum(delta) as total from work group by client_id, currency, receivable_id
    ),
    entries as (
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by_user_id, posted_by, request_id)
      select ${date}::date, 'accrual', 'accrual:' || ${date} || ':' || client_id || ':' || currency, client_id,
             'Fee accrual for ' || ${date}, ${by.userId}::bigint, ${by.label}, ${by.requestId}
        from sums order by client_id, currency
      on conflict (idempotency_key) do nothing
      returning id, client_id, split_part(idempotency_key, ':', 4)::char(3) as currency
    ),
    posted as (
      select e.id as entry_id, s.* from entries e join sums s on s.client_id = e.client_id and s.currency = e.currency
    ),
    lines as (
      insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, accrual)
      select p.entry_id, x.account_id, p.currency, x.amount, ${date}::date, null, x.accrual
        from posted p
        join ledger_accounts i on i.code = 'fee_income' and i.client_id is null and i.currency = p.currency
        cross join lateral (values (p.receivable_id, p.total, true), (i.id, -p.total, false)) x(account_id, amount, accrual)
       -- the aggregate line always (zero only when the differences cancel out), the income when not zero
       where x.accrual or p.total <> 0
      returning account_id, amount
    ),
    detail as (
      insert into fee_accrual_lines (entry_id, invoice_id, effective_date, amount)
      select p.entry_id, w.invoice_id, ${date}::date, w.delta from work w join posted p on p.client_id = w.client_id and p.currency = w.currency
    ),
    credited as (
      update fee_accruals f set accrued = w.fee
        from work w join posted p on p.client_id = w.client_id and p.currency = w.currency
       where w.credited and f.invoice_id = w.invoice_id
    ),
    balances as (
      update ledger_accounts a set balance = a.balance + s.total
        from (select account_id, sum(amount) as total from lines group by account_id) s
       where a.id = s.account_id
    ),
    through as (
      insert into accrual_clients (client_id, accrued_through)
      select unnest(${clientIds}::bigint[]), ${date}::date
      on conflict (client_id) do update set accrued_through = greatest(accrual_clients.accrued_through, excluded.accrued_through)
    )
    select currency, sum(n)::int as invoices, sum(total) as total from posted group by currency`;
  const posted = new Map<string, Big>();
  let invoices = 0;
  for (const r of rows) {
    posted.set(r.currency, new Big(r.total));
    invoices += r.invoices;
  }
  return { invoices, posted };
}

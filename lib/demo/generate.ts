import type { Database, Tx } from '../../db/client';
import { agreementTermsSchema } from '../agreements/terms';
import { recordAudit } from '../audit';
import { systemActor } from '../auth/actor';
import { feeSql } from '../ledger/accrual';
import { foldRollups } from '../reports/rollups';

/**
 * A release-cycle mix (bench `release`): agreements whose release cadences (weekly, biweekly,
 * monthly, on collection) all fall due on `asOf`, risk scores across the tiers (automatic,
 * review, manual; some unscored), auto-approve limits, a minimum reserve balance on some and a
 * percent-of-open reserve on a few, one or two contacts per client for the rebate advice — and about
 * `settledShare` of the invoices paid in full and settled before `asOf`.
 */
export interface ReleaseMix {
  asOf: string;
  /** the share of invoices paid in full 20–65 days after funding and no later than asOf (of those funded 20 days before asOf or earlier); default 0.35 */
  settledShare?: number;
}

/**
 * A generated portfolio for benchmarks (`npm run seed -- --invoices N`): clients, debtors and N
 * funded, open invoices with their SPEC 5.1 postings — all in set-based SQL (INSERT … SELECT),
 * so a million invoices take seconds per statement, not a query per row. With `releaseMix`,
 * part of them are paid and settled with the postings collections make (SPEC 5.2). The ledger
 * it writes satisfies every invariant audit:verify checks.
 */
export async function generatePortfolio(
  database: Database,
  options: { invoices: number; clients?: number; debtors?: number; fundedFrom?: string; days?: number; releaseMix?: ReleaseMix; log?: (line: string) => void },
): Promise<{ clients: number; debtors: number; invoices: number; settled: number; seconds: number }> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const invoiceCount = options.invoices;
  const clientCount = options.clients ?? Math.max(1, Math.min(10_000, Math.ceil(invoiceCount / 100)));
  const debtorCount = options.debtors ?? Math.max(10, Math.min(5_000, Math.ceil(invoiceCount / 200)));
  const fundedFrom = options.fundedFrom ?? '2026-01-01';
  const days = options.days ?? 90;
  const terms = agreementTermsSchema.parse({ creditLimit: '1000000000.00', concentrationLimit: '1.00' });
  let settled = 0;
  await database.transaction(async (tx) => {
    const sql = tx.sql;
    const [{ base }] = (await sql`select coalesce(max(id), 0) as base from clients`) as unknown as [{ base: string }];
    const [{ debtorBase }] = (await sql`select coalesce(max(id), 0) as "debtorBase" from debtors`) as unknown as [{ debtorBase: string }];
    const [{ invoiceBase }] = (await sql`select coalesce(max(id), 0) as "invoiceBase" from invoices`) as unknown as [{ invoiceBase: string }];
    await sql`
      insert into clients (name, currency, status, kyb)
      select 'Generated Client ' || g, 'USD', 'active', '{}'::jsonb from generate_series(1, ${clientCount}) g`;
    await sql`
      insert into agreements (client_id, version, effective_from, status, model, advance_rate, reserve_rate, credit_limit, concentration_limit, terms)
      select c.id, 1, '2025-01-01', 'approved', 'recourse', 0.80, 0.20, 1000000000, 1, ${JSON.stringify(terms)}::jsonb
        from clients c where c.id > ${base}`;
    await sql`
      insert into debtors (name, credit_limit, risk_rating)
      select 'Generated Debtor ' || g, 1000000000, 'B' from generate_series(1, ${debtorCount}) g`;
    log(`clients and debtors: ${clientCount} / ${debtorCount}`);
    // Faces between 1,000.00 and 50,999.00 in whole cents; funded over `days` days.
    // Ids are taken from what was just inserted (sequences may have gaps).
    await sql`
      with c as (select array_agg(id order by id) as ids from clients where id > ${base}),
           d as (select array_agg(id order by id) as ids from debtors where id > ${debtorBase})
      insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status, funding_date,
                            advance, reserve, fees, outstanding, verified_at)
      select c.ids[1 + (g % ${clientCount})], d.ids[1 + ((g::bigint * 7919) % ${debtorCount})], 'G-' || ${invoiceBase}::bigint + g, 'USD', f.face,
             dd.day - 1, dd.day + 44, 'funded', dd.day, round(f.face * 0.80, 2), f.face - round(f.face * 0.80, 2), 0, f.face, now()
        from generate_series(1, ${invoiceCount}) g
        cross join c cross join d
        cross join lateral (select (1000 + ((g::bigint * 104729) % 50000))::numeric(20,4) + ((g::bigint * 31) % 100) / 100.0 as face) f
        cross join lateral (select ${fundedFrom}::date + (g % ${days}) as day) dd`;
    log(`invoices: ${invoiceCount}`);
    await sql`
      update invoices i set agreement_id = a.id from agreements a where a.client_id = i.client_id and i.id > ${invoiceBase} and i.agreement_id is null`;
    // Each invoice accrues 12% a year (actual/360) on face, as the generated agreements say.
    await sql`
      insert into fee_accruals (invoice_id, client_id, currency, funding_date, accrual_start, face, advance, kind, rate, days_in_year, base, minimum_fee, unit, minor_units)
      select id, client_id, currency, funding_date, funding_date, face_value, advance, 'daily_rate', 0.12, 360, 'face', 0, face_value * 0.12, 2
        from invoices where id > ${invoiceBase}`;
    await sql`
      insert into ledger_accounts (code, currency, client_id)
      select code, 'USD', c.id from clients c cross join unnest(array['receivable', 'reserve', 'client_payable', 'fees_receivable']) code
       where c.id > ${base}
      on conflict do nothing`;
    await sql`insert into ledger_accounts (code, currency, client_id) values ('cash', 'USD', null), ('fee_income', 'USD', null) on conflict do nothing`;
    await sql`
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, invoice_id, memo, posted_by)
      select i.funding_date, 'funding', 'funding:' || i.id, i.client_id, i.id, 'Purchase of invoice ' || i.number, 'seed:generate'
        from invoices i where i.id > ${invoiceBase}`;
    // All purchase lines in one statement (the balance trigger checks them in one pass).
    await sql`
      with a as (select id, code, client_id from ledger_accounts where currency = 'USD' and client_id > ${base})
      insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
      select e.id, a.id, 'USD', x.amount, e.effective_date, i.id
        from invoices i
        join journal_entries e on e.idempotency_key = 'funding:' || i.id
        cross join lateral (values ('receivable', i.face_value), ('client_payable', -i.advance), ('reserve', -i.reserve)) as x(code, amount)
        join a on a.client_id = i.client_id and a.code = x.code
       where i.id > ${invoiceBase}`;
    log('purchase entries posted');
    await sql`
      insert into journal_entries (effective_date, kind, idempotency_key, client_id, memo, posted_by)
      select distinct i.funding_date, 'disbursement', 'disbursement:generated:' || i.client_id || ':' || i.funding_date, i.client_id,
             'Advances for generated invoices', 'seed:generate'
        from invoices i where i.id > ${invoiceBase}`;
    await sql`
      with a as (select id, client_id from ledger_accounts where currency = 'USD' and code = 'client_payable' and client_id > ${base}),
           cash as (select id from ledger_accounts where code = 'cash' and currency = 'USD' and client_id is null),
           e as (select id, client_id, effective_date from journal_entries where kind = 'disbursement' and idempotency_key like 'disbursement:generated:%' and client_id > ${base})
      insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
      select e.id, a.id, 'USD', i.advance, e.effective_date, i.id
        from invoices i join e on e.client_id = i.client_id and e.effective_date = i.funding_date join a on a.client_id = i.client_id
       where i.id > ${invoiceBase}
      union all
      select e.id, (select id from cash), 'USD', -sum(i.advance), e.effective_date, null
        from invoices i join e on e.client_id = i.client_id and e.effective_date = i.funding_date
       where i.id > ${invoiceBase}
       group by e.id, e.effective_date`;
    log('disbursements posted');
    if (options.releaseMix) {
      await releaseTerms(tx, base, options.releaseMix);
      settled = await settleInvoices(tx, invoiceBase, options.releaseMix);
      log(`settled invoices: ${settled}`);
    }
    await sql`
      update ledger_accounts a set balance = s.total
        from (select account_id, sum(amount) as total from journal_lines group by account_id) s
       where a.id = s.account_id and a.balance <> s.total`;
    await recordAudit(tx, systemActor('seed:generate', 'seed'), {
      action: 'portfolio.generate',
      targetType: 'portfolio',
      after: { clients: clientCount, debtors: debtorCount, invoices: invoiceCount, ...(options.releaseMix ? { settled, releaseMix: options.releaseMix } : {}) },
    });
  });
  // The invoices' roll-up deltas the trigger appended (lib/reports/rollups.ts), folded at once.
  await foldRollups(database);
  await database.sql`analyze`;
  return { clients: clientCount, debtors: debtorCount, invoices: invoiceCount, settled, seconds: (performance.now() - started) / 1000 };
}

/**
 * The generated clients' agreements and contacts for a release cycle on `mix.asOf` (see
 * ReleaseMix). Every cadence is anchored so that it falls due on asOf.
 */
async function releaseTerms(tx: Tx, clientBase: string, mix: ReleaseMix): Promise<void> {
  const sql = tx.sql;
  await sql`
    with c as (select id, row_number() over (order by id) as n from clients where id > ${clientBase})
    update agreements a set terms = a.terms
      || jsonb_build_object(
           'releaseSchedule', case c.n % 4
             when 0 then jsonb_build_object('cadence', 'weekly', 'anchorDate', to_char(${mix.asOf}::date - (7 * (1 + c.n % 8))::int, 'YYYY-MM-DD'))
             when 1 then jsonb_build_object('cadence', 'biweekly', 'anchorDate', to_char(${mix.asOf}::date - (14 * (1 + c.n % 4))::int, 'YYYY-MM-DD'))
             when 2 then jsonb_build_object('cadence', 'monthly', 'anchorDate', to_char(${mix.asOf}::date - make_interval(months => (1 + c.n % 3)::int), 'YYYY-MM-DD'))
             else jsonb_build_object('cadence', 'on_collection', 'anchorDate', '2026-01-02') end,
           'releaseAutoApproveUpTo', case when c.n % 7 = 0 then '100000.00' else '250000.00' end,
           'minimumReserveBalance', case when c.n % 5 = 0 then '10000.00' else '0.00' end,
           'reservePolicy', case when c.n % 50 = 0 then '{"kind": "percent_of_open", "rate": "0.10"}'::jsonb else '{"kind": "per_invoice"}'::jsonb end)
      || case when c.n % 20 in (14, 15) then '{}'::jsonb
              else jsonb_build_object('riskScore', case when c.n % 20 < 10 then 95 when c.n % 20 < 14 then 85 when c.n % 20 < 18 then 75 when c.n % 20 = 18 then 65 else 50 end) end
      from c where a.client_id = c.id`;
  await sql`
    with c as (select id, row_number() over (order by id) as n from clients where id > ${clientBase})
    update clients k set contacts = jsonb_build_array(jsonb_build_object('name', 'Accounts', 'email', 'ap@client-' || k.id || '.test'))
      || case when c.n % 3 = 0 then jsonb_build_array(jsonb_build_object('name', 'Finance', 'email', 'finance@client-' || k.id || '.test')) else '[]'::jsonb end
      from c where k.id = c.id`;
}

/**
 * Pays in full and settles about `settledShare` of the generated invoices, with the postings
 * lib/collections and lib/fees/settlement make for a payment applied to one invoice: the
 * receipt (Dr cash, Cr unapplied_cash), the application (Dr unapplied_cash, Cr receivable), the
 * fee frozen at fee(paid − funded) (Dr fees_receivable, Cr fee_income; nothing was accrued) and
 * settled from the invoice's reserve (Dr reserve, Cr fees_receivable). Set-based: one statement
 * per kind of row.
 */
async function settleInvoices(tx: Tx, invoiceBase: string, mix: ReleaseMix): Promise<number> {
  const sql = tx.sql;
  const share = Math.round((mix.settledShare ?? 0.35) * 1000);
  const seq = (table: string) => sql`nextval(pg_get_serial_sequence(${table}, 'id'))`;
  await sql`
    create temp table gen_settle on commit drop as
    select i.id as invoice_id, i.client_id, i.debtor_id, i.currency, i.number, i.face_value as face, p.paid, d.name as payer,
           least(i.reserve, fee.fee) as settled, fee.fee,
           0::bigint as payment_id, 0::bigint as application_id, 0::bigint as receipt_entry, 0::bigint as application_entry,
           0::bigint as freeze_entry, 0::bigint as settlement_entry
      from invoices i
      join fee_accruals f on f.invoice_id = i.id
      join debtors d on d.id = i.debtor_id
      cross join lateral (select i.funding_date + (20 + abs(hashint8(i.id + 1)) % greatest(1, least(46, ${mix.asOf}::date - i.funding_date - 19)))::int as paid) p
      cross join lateral (select ${feeSql(sql, sql`(p.paid - f.funding_date)`, sql`0`)} as fee) fee
     where i.id > ${invoiceBase} and i.status = 'funded' and abs(hashint8(i.id)) % 1000 < ${share} and p.paid <= ${mix.asOf}::date
     order by i.id`;
  // Ids drawn in invoice order, one kind after the other, so each kind's entries (and their
  // lines) are written in id order, as the BRIN index on entry ids expects.
  await sql`update gen_settle set payment_id = ${seq('payments')}`;
  await sql`update gen_settle set application_id = ${seq('payment_applications')}`;
  for (const column of ['receipt_entry', 'application_entry', 'freeze_entry', 'settlement_entry']) {
    await sql`update gen_settle set ${sql(column)} = ${seq('journal_entries')}`;
  }
  await sql`
    insert into ledger_accounts (code, currency, client_id)
    select distinct 'unapplied_cash', currency, null::bigint from gen_settle
    on conflict do nothing`;
  await sql`
    insert into payments (id, currency, amount, unapplied, received_date, payer_name, reference, source, status, debtor_id)
    select payment_id, currency, face, 0, paid, payer, 'INV ' || number, 'import', 'applied', debtor_id from gen_settle order by payment_id`;
  await sql`
    insert into journal_entries (id, effective_date, kind, idempotency_key, client_id, invoice_id, payment_id, memo, posted_by)
    select receipt_entry, paid, 'receipt', 'receipt:' || payment_id, null::bigint, null::bigint, payment_id, 'Payment received from ' || payer, 'seed:generate'
      from gen_settle order by 1`;
  await sql`
    insert into journal_entries (id, effective_date, kind, idempotency_key, client_id, invoice_id, payment_id, memo, posted_by)
    select application_entry, paid, 'application', 'application:' || payment_id || ':' || application_id, client_id, invoice_id, payment_id,
           'Payment ' || payment_id || ' applied to 1 invoice(s)', 'seed:generate'
      from gen_settle order by 1`;
  await sql`
    insert into journal_entries (id, effective_date, kind, idempotency_key, client_id, invoice_id, memo, posted_by)
    select freeze_entry, paid, 'accrual', 'fee-freeze:' || invoice_id, client_id, invoice_id,
           'Fee of invoice ' || number || ' frozen at ' || fee || ' on ' || paid, 'seed:generate'
      from gen_settle where fee <> 0 order by 1`;
  await sql`
    insert into journal_entries (id, effective_date, kind, idempotency_key, client_id, invoice_id, memo, posted_by)
    select settlement_entry, paid, 'fee_settlement', 'fee-settlement:' || invoice_id, client_id, invoice_id,
           'Fee of invoice ' || number || ' settled from its reserve', 'seed:generate'
      from gen_settle where settled > 0 order by 1`;
  const global = (code: string) => sql`(select id from ledger_accounts g where g.code = ${code} and g.currency = s.currency and g.client_id is null)`;
  const own = (code: string) => sql`(select id from ledger_accounts k where k.code = ${code} and k.currency = s.currency and k.client_id = s.client_id)`;
  // Each kind's lines in one statement: the balance trigger checks its entries together.
  await sql`
    insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
    select s.receipt_entry, x.account_id, s.currency, x.amount, s.paid, null::bigint
      from gen_settle s cross join lateral (values (${global('cash')}, s.face), (${global('unapplied_cash')}, -s.face)) x(account_id, amount)
     order by 1`;
  await sql`
    insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
    select s.application_entry, x.account_id, s.currency, x.amount, s.paid, x.invoice_id
      from gen_settle s cross join lateral (values (${global('unapplied_cash')}, s.face, null::bigint), (${own('receivable')}, -s.face, s.invoice_id)) x(account_id, amount, invoice_id)
     order by 1`;
  await sql`
    insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
    select s.freeze_entry, x.account_id, s.currency, x.amount, s.paid, s.invoice_id
      from gen_settle s cross join lateral (values (${own('fees_receivable')}, s.fee), (${global('fee_income')}, -s.fee)) x(account_id, amount)
     where s.fee <> 0 order by 1`;
  await sql`
    insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id)
    select s.settlement_entry, x.account_id, s.currency, x.amount, s.paid, s.invoice_id
      from gen_settle s cross join lateral (values (${own('reserve')}, s.settled), (${own('fees_receivable')}, -s.settled)) x(account_id, amount)
     where s.settled > 0 order by 1`;
  await sql`
    insert into payment_applications (id, payment_id, invoice_id, amount, applied_date, entry_id, client_id, debtor_id, currency)
    select application_id, payment_id, invoice_id, face, paid, application_entry, client_id, debtor_id, currency from gen_settle order by 1`;
  await sql`update invoices i set status = 'settled', settled_date = s.paid, outstanding = 0 from gen_settle s where i.id = s.invoice_id`;
  await sql`update fee_accruals f set credited = true, accrued = s.fee, frozen_on = s.paid from gen_settle s where f.invoice_id = s.invoice_id`;
  const [{ n }] = (await sql`select count(*)::int as n from gen_settle`) as unknown as [{ n: number }];
  return n;
}

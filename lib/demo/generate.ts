import type { Database } from '../../db/client';
import { agreementTermsSchema } from '../agreements/terms';
import { recordAudit } from '../audit';
import { systemActor } from '../auth/actor';

/**
 * A generated portfolio for benchmarks (`npm run seed -- --invoices N`): clients, debtors and N
 * funded, open invoices with their SPEC 5.1 postings — all in set-based SQL (INSERT … SELECT),
 * so a million invoices take seconds per statement, not a query per row. The ledger it writes
 * satisfies every invariant audit:verify checks.
 */
export async function generatePortfolio(
  database: Database,
  options: { invoices: number; clients?: number; debtors?: number; fundedFrom?: string; days?: number; log?: (line: string) => void },
): Promise<{ clients: number; debtors: number; invoices: number; seconds: number }> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const invoiceCount = options.invoices;
  const clientCount = options.clients ?? Math.max(1, Math.min(10_000, Math.ceil(invoiceCount / 100)));
  const debtorCount = options.debtors ?? Math.max(10, Math.min(5_000, Math.ceil(invoiceCount / 200)));
  const fundedFrom = options.fundedFrom ?? '2026-01-01';
  const days = options.days ?? 90;
  const terms = agreementTermsSchema.parse({ creditLimit: '1000000000.00', concentrationLimit: '1.00' });
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
    await sql`
      update ledger_accounts a set balance = s.total
        from (select account_id, sum(amount) as total from journal_lines group by account_id) s
       where a.id = s.account_id and a.balance <> s.total`;
    await recordAudit(tx, systemActor('seed:generate', 'seed'), {
      action: 'portfolio.generate',
      targetType: 'portfolio',
      after: { clients: clientCount, debtors: debtorCount, invoices: invoiceCount },
    });
  });
  await database.sql`analyze`;
  return { clients: clientCount, debtors: debtorCount, invoices: invoiceCount, seconds: (performance.now() - started) / 1000 };
}

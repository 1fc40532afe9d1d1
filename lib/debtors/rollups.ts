import type { RawSql } from '../../db/client';
import { Big } from '../money';

/**
 * Issue 13: audit:verify's check of the roll-ups of migrations 0019 and 0022 — the debtor figures
 * as readers see them (folded + pending deltas: the views debtor_exposure_now, debtor_open_due_now),
 * each recomputed from the invoices and payment applications it is kept from (the slow, obvious way,
 * as a verify may); debtor_figures against the folded debtor_exposure it is recomputed from at each
 * fold; and the clients list's mirror of the reserve and receivable balances — compared row by row.
 * A difference names the row and both values; a missing or disabled trigger is named too.
 */
export interface RollupBreak {
  kind: 'debtor_rollup';
  message: string;
}

const TRIGGERS = [
  ['invoices', 'invoices_debtor_rollup_insert'],
  ['invoices', 'invoices_debtor_rollup_update'],
  ['payment_applications', 'payment_applications_debtor_rollup'],
  ['debtors', 'debtors_figures_row'],
  ['ledger_accounts', 'ledger_accounts_client_list_balance'],
  ['clients', 'clients_list_rows'],
  ['clients', 'clients_list_currency'],
] as const;

const FIGURES = [
  'invoices',
  'open_invoices',
  'exposure',
  'settled_invoices',
  'settled_days',
  'settled_days_late',
  'reduced',
  'collected',
  'defaulted_face',
  'defaulted_collected',
] as const;

export async function verifyDebtorRollups(sql: RawSql, breaks: { kind: string; message: string }[]): Promise<number> {
  let found = 0;
  const pairs = await sql<
    { debtor_id: string; client_id: string; currency: string; kept: Record<string, string> | null; actual: Record<string, string> | null }[]
  >`
    with actual as (
      select i.debtor_id, i.client_id, i.currency, count(*) as invoices,
             count(*) filter (where i.status in ('funded', 'disputed')) as open_invoices,
             coalesce(sum(coalesce(i.outstanding, 0)) filter (where i.status in ('funded', 'disputed')), 0) as exposure,
             count(*) filter (where i.status = 'settled') as settled_invoices,
             coalesce(sum(i.settled_date - i.issue_date) filter (where i.status = 'settled' and i.settled_date is not null), 0) as settled_days,
             coalesce(sum(greatest(0, i.settled_date - i.due_date)) filter (where i.status = 'settled' and i.settled_date is not null), 0) as settled_days_late,
             coalesce(sum(i.face_value - i.outstanding) filter (where i.outstanding is not null and i.status not in ('charged_back', 'written_off')), 0) as reduced,
             coalesce(sum(p.cash), 0) as collected,
             coalesce(sum(i.face_value) filter (where i.status in ('charged_back', 'written_off')), 0) as defaulted_face,
             coalesce(sum(p.cash) filter (where i.status in ('charged_back', 'written_off')), 0) as defaulted_collected
        from invoices i
        left join (select invoice_id, sum(amount) as cash from payment_applications group by invoice_id) p on p.invoice_id = i.id
       group by i.debtor_id, i.client_id, i.currency)
    select coalesce(a.debtor_id, e.debtor_id)::text as debtor_id, coalesce(a.client_id, e.client_id)::text as client_id, coalesce(a.currency, e.currency) as currency,
           case when e.debtor_id is null then null else jsonb_build_object(${sql.unsafe(FIGURES.map((f) => `'${f}', e.${f}::text`).join(', '))}) end as kept,
           case when a.debtor_id is null then null else jsonb_build_object(${sql.unsafe(FIGURES.map((f) => `'${f}', a.${f}::text`).join(', '))}) end as actual
      from actual a
      full join debtor_exposure_now e on e.debtor_id = a.debtor_id and e.client_id = a.client_id and e.currency = a.currency
     where (${sql.unsafe(FIGURES.map((f) => `coalesce(e.${f}, 0)`).join(', '))}) is distinct from (${sql.unsafe(FIGURES.map((f) => `coalesce(a.${f}, 0)`).join(', '))})
     order by 1, 2, 3 limit 100`;
  for (const p of pairs) {
    const differs = FIGURES.filter((f) => !new Big(p.kept?.[f] ?? 0).eq(p.actual?.[f] ?? 0))
      .map((f) => `${f} kept ${p.kept?.[f] ?? 0}, invoices say ${p.actual?.[f] ?? 0}`)
      .join('; ');
    breaks.push({ kind: 'debtor_rollup', message: `debtor ${p.debtor_id}, client ${p.client_id}, ${p.currency}: ${differs}` });
    found += 1;
  }
  const due = await sql<{ debtor_id: string; due_date: string; kept: number | null; actual: number | null }[]>`
    with actual as (select debtor_id, due_date, count(*)::int as n from invoices where status in ('funded', 'disputed') group by debtor_id, due_date)
    select coalesce(a.debtor_id, o.debtor_id)::text as debtor_id, coalesce(a.due_date, o.due_date)::text as due_date, o.open_invoices as kept, a.n as actual
      from actual a full join debtor_open_due_now o on o.debtor_id = a.debtor_id and o.due_date = a.due_date
     where coalesce(o.open_invoices, 0) <> coalesce(a.n, 0)
     order by 1, 2 limit 100`;
  for (const d of due) {
    breaks.push({ kind: 'debtor_rollup', message: `debtor ${d.debtor_id}, due ${d.due_date}: ${d.kept ?? 0} open invoices kept, ${d.actual ?? 0} open` });
    found += 1;
  }
  const figures = await sql<
    { id: string; invoices: number | null; open_invoices: number | null; exposure: string | null; e_invoices: number; e_open: number; e_exposure: string }[]
  >`
    with sums as (
      select debtor_id, sum(invoices)::int as invoices, sum(open_invoices)::int as open_invoices, max(exposure) as exposure
        from (select debtor_id, currency, sum(invoices) as invoices, sum(open_invoices) as open_invoices, sum(exposure) as exposure
                from debtor_exposure group by debtor_id, currency) c
       group by debtor_id)
    select d.id::text, f.invoices, f.open_invoices, f.exposure::text, coalesce(s.invoices, 0) as e_invoices, coalesce(s.open_invoices, 0) as e_open,
           coalesce(s.exposure, 0)::text as e_exposure
      from debtors d
      left join debtor_figures f on f.debtor_id = d.id
      left join sums s on s.debtor_id = d.id
     where f.debtor_id is null or (f.invoices, f.open_invoices, f.exposure) is distinct from (coalesce(s.invoices, 0), coalesce(s.open_invoices, 0), coalesce(s.exposure, 0))
     order by d.id limit 100`;
  for (const f of figures) {
    breaks.push({
      kind: 'debtor_rollup',
      message:
        f.invoices === null
          ? `debtor ${f.id} has no figures row`
          : `debtor ${f.id}: figures say ${f.invoices} invoices, ${f.open_invoices} open, exposure ${f.exposure}; its rows say ${f.e_invoices}, ${f.e_open}, ${f.e_exposure}`,
    });
    found += 1;
  }
  const mirror = await sql<{ client_id: string; code: string; currency: string; ledger: string | null; kept: string | null }[]>`
    select coalesce(a.client_id, m.client_id)::text as client_id, coalesce(a.code, m.code) as code, coalesce(a.currency, m.currency) as currency,
           a.balance::text as ledger, m.balance::text as kept
      from (select client_id, code, currency, balance from ledger_accounts where client_id is not null and code in ('reserve', 'receivable')) a
      full join client_list_balances m on m.client_id = a.client_id and m.code = a.code and m.currency = a.currency
     where coalesce(a.balance, 0) <> coalesce(m.balance, 0) or m.client_id is null
    union all
    select c.id::text, k.code, c.currency, null, null
      from clients c cross join (values ('reserve'), ('receivable')) k(code)
     where not exists (select 1 from client_list_balances m where m.client_id = c.id and m.code = k.code and m.currency = c.currency)
     order by 1, 2, 3 limit 100`;
  for (const m of mirror) {
    breaks.push({
      kind: 'debtor_rollup',
      message:
        m.ledger === null && m.kept === null
          ? `client ${m.client_id} has no ${m.code} row for its home currency ${m.currency} in client_list_balances`
          : `client ${m.client_id} ${m.code} ${m.currency}: the account's balance is ${m.ledger ?? 'absent (0)'}, the clients list keeps ${m.kept ?? 'nothing'}`,
    });
    found += 1;
  }
  const present = await sql<{ tgname: string }[]>`
    select tgname from pg_trigger where not tgisinternal and tgenabled <> 'D' and tgname = any(${TRIGGERS.map(([, name]) => name)}::text[])`;
  for (const [table, name] of TRIGGERS) {
    if (present.some((t) => t.tgname === name)) continue;
    breaks.push({
      kind: 'debtor_rollup',
      message: `trigger ${name} on ${table} is missing or disabled: the debtor and client roll-ups no longer follow ${table}`,
    });
    found += 1;
  }
  return found;
}

import type { RawSql } from '../../../db/client';
import { Big, ZERO, moneyOut } from '../../money';
import {
  availability,
  classifyPairs,
  daysInMonth,
  dso,
  monthDilution,
  monthEnd,
  netFundsEmployed,
  type FundsEmployedParts,
  type PairBalance,
} from './formulas';
import type { MonthEndParams } from './params';

/**
 * Issue 16 item 6: the month-end reports' queries, set-based (one statement per figure family,
 * never one per client or invoice). "As of" a date is the ledger as of the end of that business
 * date: an account's kept balance less its lines dated after it (read from the (account, date)
 * index from the near end, so a recent date reads few lines), an invoice's outstanding its kept
 * `outstanding` less its receivable lines dated after it.
 */

const FE_CODES = ['receivable', 'client_due', 'reserve', 'client_payable', 'fees_receivable'] as const;

export interface FundsEmployedRow {
  clientId: string;
  clientName: string;
  currency: string;
  receivable: string;
  clientDue: string;
  reserve: string;
  clientPayable: string;
  fundsEmployed: string;
  /** beside it, not in it: fees earned, not yet taken */
  feesReceivable: string;
}

export interface FundsEmployedReport {
  asOf: string;
  rows: FundsEmployedRow[];
  /** per currency, the sums of the rows (currencies never added) */
  totals: Omit<FundsEmployedRow, 'clientId' | 'clientName'>[];
}

interface Parts extends FundsEmployedParts {
  feesReceivable: Big;
}

/** Each client account's balance as of the date, as a person reads it (a held reserve positive). */
async function clientBalancesAsOf(
  sql: RawSql,
  asOf: string,
  clientId: string | null,
): Promise<Map<string, { clientId: string; clientName: string; currency: string; parts: Parts }>> {
  const rows = await sql<{ client_id: string; name: string; currency: string; code: (typeof FE_CODES)[number]; signed: string }[]>`
    with acc as materialized (
      select id, client_id, currency, code, balance from ledger_accounts
       where client_id is not null and code = any(${FE_CODES as unknown as string[]}::text[])
         ${clientId ? sql`and client_id = ${clientId}` : sql``}),
    later as (
      select l.account_id, sum(l.amount) as amount from journal_lines l
       where l.account_id in (select id from acc) and l.effective_date > ${asOf}::date
       group by l.account_id)
    select acc.client_id::text as client_id, c.name, trim(acc.currency) as currency, acc.code,
           (acc.balance - coalesce(later.amount, 0))::text as signed
      from acc join clients c on c.id = acc.client_id left join later on later.account_id = acc.id`;
  const out = new Map<string, { clientId: string; clientName: string; currency: string; parts: Parts }>();
  for (const r of rows) {
    const key = `${r.client_id}|${r.currency}`;
    let e = out.get(key);
    if (!e) {
      e = {
        clientId: r.client_id,
        clientName: r.name,
        currency: r.currency,
        parts: { receivable: ZERO, clientDue: ZERO, reserve: ZERO, clientPayable: ZERO, feesReceivable: ZERO },
      };
      out.set(key, e);
    }
    const signed = new Big(r.signed);
    // liabilities read credit-positive
    if (r.code === 'receivable') e.parts.receivable = e.parts.receivable.plus(signed);
    if (r.code === 'client_due') e.parts.clientDue = e.parts.clientDue.plus(signed);
    if (r.code === 'fees_receivable') e.parts.feesReceivable = e.parts.feesReceivable.plus(signed);
    if (r.code === 'reserve') e.parts.reserve = e.parts.reserve.minus(signed);
    if (r.code === 'client_payable') e.parts.clientPayable = e.parts.clientPayable.minus(signed);
  }
  return out;
}

function feRow(e: { clientId: string; clientName: string; currency: string; parts: Parts }): FundsEmployedRow {
  const c = e.currency;
  return {
    clientId: e.clientId,
    clientName: e.clientName,
    currency: c,
    receivable: moneyOut(e.parts.receivable, c),
    clientDue: moneyOut(e.parts.clientDue, c),
    reserve: moneyOut(e.parts.reserve, c),
    clientPayable: moneyOut(e.parts.clientPayable, c),
    fundsEmployed: moneyOut(netFundsEmployed(e.parts), c),
    feesReceivable: moneyOut(e.parts.feesReceivable, c),
  };
}

const isZero = (p: Parts) => [p.receivable, p.clientDue, p.reserve, p.clientPayable, p.feesReceivable].every((v) => v.eq(0));

function sumRows<T extends { currency: string }>(rows: T[], keys: (keyof T)[]): T[] {
  const by = new Map<string, Record<string, Big>>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? Object.fromEntries(keys.map((k) => [k, ZERO]));
    for (const k of keys) t[k as string] = t[k as string]!.plus(String(r[k]));
    by.set(r.currency, t);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, t]) => ({ currency, ...Object.fromEntries(keys.map((k) => [k, moneyOut(t[k as string]!, currency)])) }) as unknown as T);
}

const byClientName = <T extends { clientName: string; currency: string; clientId: string }>(a: T, b: T) =>
  a.clientName.localeCompare(b.clientName) || a.currency.localeCompare(b.currency) || a.clientId.localeCompare(b.clientId);

/** Net funds employed per client and currency as of a date, and the totals per currency. */
export async function fundsEmployedReport(sql: RawSql, p: Pick<MonthEndParams, 'asOf' | 'currency' | 'clientId'>): Promise<FundsEmployedReport> {
  const balances = await clientBalancesAsOf(sql, p.asOf, p.clientId);
  const rows = [...balances.values()]
    .filter((e) => !isZero(e.parts) && (!p.currency || e.currency === p.currency))
    .map(feRow)
    .sort(byClientName);
  const totals = sumRows(rows, ['receivable', 'clientDue', 'reserve', 'clientPayable', 'fundsEmployed', 'feesReceivable']);
  return { asOf: p.asOf, rows, totals };
}

export interface IneligiblesRow {
  clientId: string;
  clientName: string;
  currency: string;
  invoices: number;
  /** open receivables: Σ invoices' outstanding as of the date (ties to the ledger's receivable) */
  openReceivables: string;
  pastDue: string;
  disputed: string;
  crossAged: string;
  overLimit: string;
  ineligible: string;
  eligible: string;
  /** the agreement in force on the date; null when none was (the borrowing base is then 0) */
  advanceRate: string | null;
  borrowingBase: string;
  fundsEmployed: string;
  available: string;
  overAdvanced: string;
  /** the receivable account's balance as of the date — equal to openReceivables when the sub-ledger ties */
  ledgerReceivable: string;
}

export interface IneligiblesReport {
  asOf: string;
  pastDueDays: number;
  crossAgePercent: string;
  rows: IneligiblesRow[];
  totals: Omit<IneligiblesRow, 'clientId' | 'clientName' | 'advanceRate' | 'invoices'>[];
}

/**
 * Each open invoice's outstanding as of the date, summed per client, debtor and currency and split
 * by rules 1–2 (formulas.ts), in one statement: the open invoices (funded or disputed now) and the
 * invoices whose receivable moved after the date (closed since, or funded since: those owe 0 then).
 */
export async function pairBalances(sql: RawSql, p: Pick<MonthEndParams, 'asOf' | 'pastDueDays'>): Promise<PairBalance[]> {
  const rows = await sql<{ client_id: string; debtor_id: string; currency: string; invoices: number; balance: string; past_due: string; disputed: string }[]>`
    with acc as materialized (select id from ledger_accounts where code = 'receivable'),
    -- each receivable account's lines after the date, summed per invoice from its (account, date) index: a
    -- lateral per account, aggregated inside so the planner cannot flatten it into a full scan of the journal
    -- (an invoice's receivable lines are all on its client's account in its currency)
    later as materialized (
      select l.invoice_id, l.amount
        from acc cross join lateral (
          select x.invoice_id, sum(x.amount) as amount from journal_lines x
           where x.account_id = acc.id and x.effective_date > ${p.asOf}::date and x.invoice_id is not null and not x.accrual
           group by x.invoice_id) l),
    open as (
      select i.id, i.client_id, i.debtor_id, i.currency, i.issue_date, coalesce(i.outstanding, 0) - coalesce(later.amount, 0) as owed
        from invoices i left join later on later.invoice_id = i.id
       where i.status between 'disputed' and 'funded' and i.status in ('funded', 'disputed') and i.funding_date <= ${p.asOf}::date
      union all
      select i.id, i.client_id, i.debtor_id, i.currency, i.issue_date, coalesce(i.outstanding, 0) - later.amount
        from later join invoices i on i.id = later.invoice_id
       where i.status not in ('funded', 'disputed') and i.funding_date <= ${p.asOf}::date),
    disputed as (
      select distinct invoice_id from disputes
       where opened_date <= ${p.asOf}::date and (resolved_date is null or resolved_date > ${p.asOf}::date))
    select o.client_id::text as client_id, o.debtor_id::text as debtor_id, trim(o.currency) as currency, count(*)::int as invoices,
           sum(o.owed)::text as balance,
           coalesce(sum(o.owed) filter (where ${p.asOf}::date - o.issue_date > ${p.pastDueDays}), 0)::text as past_due,
           coalesce(sum(o.owed) filter (where ${p.asOf}::date - o.issue_date <= ${p.pastDueDays} and d.invoice_id is not null), 0)::text as disputed
      from open o left join disputed d on d.invoice_id = o.id
     where o.owed > 0
     group by o.client_id, o.debtor_id, o.currency`;
  return rows.map((r) => ({
    clientId: r.client_id,
    debtorId: r.debtor_id,
    currency: r.currency,
    invoices: r.invoices,
    balance: new Big(r.balance),
    pastDue: new Big(r.past_due),
    disputed: new Big(r.disputed),
  }));
}

/** Each client's advance rate under its agreement in force on the date (approved, the latest effective on or before it). */
async function advanceRates(sql: RawSql, asOf: string, clientIds: string[]): Promise<Map<string, string>> {
  if (clientIds.length === 0) return new Map();
  const rows = await sql<{ client_id: string; advance_rate: string }[]>`
    select distinct on (client_id) client_id::text as client_id, advance_rate::text as advance_rate from agreements
     where client_id = any(${clientIds}::bigint[]) and status = 'approved' and effective_from <= ${asOf}::date
     order by client_id, effective_from desc, version desc`;
  return new Map(rows.map((r) => [r.client_id, new Big(r.advance_rate).toString()]));
}

/** Ineligibles and availability per client and currency as of a date (formulas.ts for the rules). */
export async function ineligiblesReport(sql: RawSql, p: MonthEndParams): Promise<IneligiblesReport> {
  const [pairs, balances] = await Promise.all([pairBalances(sql, p), clientBalancesAsOf(sql, p.asOf, null)]);
  const debtorIds = [...new Set(pairs.map((x) => x.debtorId))];
  const limitRows = debtorIds.length
    ? await sql<
        { id: string; credit_limit: string }[]
      >`select id::text as id, credit_limit::text as credit_limit from debtors where id = any(${debtorIds}::bigint[])`
    : [];
  const limits = new Map(limitRows.map((r) => [r.id, new Big(r.credit_limit)]));
  const classified = classifyPairs(pairs, limits, p.crossAgePercent);
  type Acc = { invoices: number; open: Big; pastDue: Big; disputed: Big; crossAged: Big; overLimit: Big; eligible: Big };
  const byClient = new Map<string, Acc>();
  for (const x of classified) {
    const key = `${x.clientId}|${x.currency}`;
    const a = byClient.get(key) ?? { invoices: 0, open: ZERO, pastDue: ZERO, disputed: ZERO, crossAged: ZERO, overLimit: ZERO, eligible: ZERO };
    a.invoices += x.invoices;
    a.open = a.open.plus(x.balance);
    a.pastDue = a.pastDue.plus(x.pastDue);
    a.disputed = a.disputed.plus(x.disputed);
    a.crossAged = a.crossAged.plus(x.crossAged);
    a.overLimit = a.overLimit.plus(x.overLimit);
    a.eligible = a.eligible.plus(x.eligible);
    byClient.set(key, a);
  }
  // Every client with receivables or funds employed on the date (an over-advanced client may have no open invoice left).
  const keys = new Set([
    ...byClient.keys(),
    ...[...balances.entries()].filter(([, e]) => !netFundsEmployed(e.parts).eq(0) || !e.parts.receivable.eq(0)).map(([k]) => k),
  ]);
  const rates = await advanceRates(sql, p.asOf, [...new Set([...keys].map((k) => k.split('|')[0]!))]);
  const rows: IneligiblesRow[] = [];
  for (const key of keys) {
    const [clientId, currency] = key.split('|') as [string, string];
    if (p.currency && currency !== p.currency) continue;
    if (p.clientId && clientId !== p.clientId) continue;
    const a = byClient.get(key) ?? { invoices: 0, open: ZERO, pastDue: ZERO, disputed: ZERO, crossAged: ZERO, overLimit: ZERO, eligible: ZERO };
    const bal = balances.get(key);
    const fe = bal ? netFundsEmployed(bal.parts) : ZERO;
    const rate = rates.get(clientId) ?? null;
    const av = availability(a.eligible, rate ?? '0', fe, currency);
    const m = (v: Big) => moneyOut(v, currency);
    rows.push({
      clientId,
      clientName: bal?.clientName ?? '',
      currency,
      invoices: a.invoices,
      openReceivables: m(a.open),
      pastDue: m(a.pastDue),
      disputed: m(a.disputed),
      crossAged: m(a.crossAged),
      overLimit: m(a.overLimit),
      ineligible: m(a.pastDue.plus(a.disputed).plus(a.crossAged).plus(a.overLimit)),
      eligible: m(a.eligible),
      advanceRate: rate,
      borrowingBase: m(av.borrowingBase),
      fundsEmployed: m(fe),
      available: m(av.available),
      overAdvanced: m(av.overAdvanced),
      ledgerReceivable: m(bal?.parts.receivable ?? ZERO),
    });
  }
  if (rows.some((r) => r.clientName === '')) {
    const missing = rows.filter((r) => r.clientName === '').map((r) => r.clientId);
    const names = await sql<{ id: string; name: string }[]>`select id::text as id, name from clients where id = any(${missing}::bigint[])`;
    const byId = new Map(names.map((n) => [n.id, n.name]));
    for (const r of rows) if (r.clientName === '') r.clientName = byId.get(r.clientId) ?? r.clientId;
  }
  rows.sort(byClientName);
  const totals = sumRows(rows as (IneligiblesRow & Record<string, unknown>)[], [
    'openReceivables',
    'pastDue',
    'disputed',
    'crossAged',
    'overLimit',
    'ineligible',
    'eligible',
    'borrowingBase',
    'fundsEmployed',
    'available',
    'overAdvanced',
    'ledgerReceivable',
  ]) as IneligiblesReport['totals'];
  return { asOf: p.asOf, pastDueDays: p.pastDueDays, crossAgePercent: p.crossAgePercent, rows, totals };
}

export interface TrendPoint {
  month: string;
  /** receivable balance at the month's end */
  receivables: string;
  /** face value of the invoices funded in the month */
  creditSales: string;
  /** days, one decimal; null when nothing was funded */
  dso: string | null;
  /** receivable credits of the month (charge-backs by recourse and write-offs aside) */
  reduced: string;
  /** of which cash applied */
  collected: string;
  /** reduced − collected */
  dilutive: string;
  /** dilutive ÷ reduced, 4 places; null when nothing was reduced */
  dilution: string | null;
  /** receivable written off or charged back by recourse in the month */
  defaulted: string;
}

export interface TrendSeries {
  /** null: the portfolio (every client) */
  clientId: string | null;
  clientName: string;
  currency: string;
  points: TrendPoint[];
}

export interface TrendsReport {
  from: string;
  to: string;
  months: string[];
  /** the portfolio per currency, then each client per currency */
  series: TrendSeries[];
}

/** Credits that are cash collected (a payment applied). */
const CASH_KINDS = ['application', 'collection'];

/**
 * DSO and dilution by month for a period (formulas.ts), for the portfolio and each client, per
 * currency — three statements: the receivable accounts' kept balances, their lines since the
 * period began grouped by month (with the credits split by what posted them), and the face value
 * funded per month (the invoices' funding-date index).
 */
export async function trendsReport(sql: RawSql, p: Pick<MonthEndParams, 'from' | 'to' | 'months' | 'currency' | 'clientId'>): Promise<TrendsReport> {
  const start = `${p.from}-01`;
  const end = monthEnd(p.to);
  const client = p.clientId;
  const [accounts, moves, sales] = await Promise.all([
    sql<{ id: string; client_id: string; name: string; currency: string; balance: string }[]>`
      select a.id::text as id, a.client_id::text as client_id, c.name, trim(a.currency) as currency, a.balance::text as balance
        from ledger_accounts a join clients c on c.id = a.client_id
       where a.code = 'receivable' ${client ? sql`and a.client_id = ${client}` : sql``}`,
    sql<{ account_id: string; month: string; net: string; reduced: string; collected: string; defaulted: string }[]>`
      with acc as materialized (select id from ledger_accounts where code = 'receivable' ${client ? sql`and client_id = ${client}` : sql``})
      select acc.id::text as account_id,
             case when l.effective_date > ${end}::date then 'after' else to_char(l.effective_date, 'YYYY-MM') end as month,
             sum(l.amount)::text as net,
             coalesce(sum(-l.amount) filter (where l.amount < 0 and e.kind <> 'reversal' and not (e.kind = 'write_off' or (e.kind = 'chargeback' and i.status = 'charged_back'))), 0)::text as reduced,
             coalesce(sum(-l.amount) filter (where l.amount < 0 and e.kind = any(${CASH_KINDS}::text[])), 0)::text as collected,
             coalesce(sum(-l.amount) filter (where l.amount < 0 and (e.kind = 'write_off' or (e.kind = 'chargeback' and i.status = 'charged_back'))), 0)::text as defaulted
        from acc
        cross join lateral (
          select x.entry_id, x.effective_date, x.amount from journal_lines x
           where x.account_id = acc.id and x.effective_date >= ${start}::date and not x.accrual) l
        join journal_entries e on e.id = l.entry_id
        left join invoices i on i.id = e.invoice_id and e.kind = 'chargeback'
       group by 1, 2`,
    sql<{ client_id: string; currency: string; month: string; face: string }[]>`
      select client_id::text as client_id, trim(currency) as currency, to_char(coalesce(funding_date, '0001-01-01'::date), 'YYYY-MM') as month, sum(face_value)::text as face
        from invoices
       where coalesce(funding_date, '0001-01-01'::date) between ${start}::date and ${end}::date and status not in ('submitted', 'verified')
         ${client ? sql`and client_id = ${client}` : sql``}
       group by 1, 2, 3`,
  ]);
  type Cell = { net: Big; reduced: Big; collected: Big; defaulted: Big; sales: Big };
  type Series = { clientId: string | null; clientName: string; currency: string; now: Big; cells: Map<string, Cell> };
  const series = new Map<string, Series>();
  const get = (clientId: string | null, clientName: string, currency: string) => {
    const key = `${clientId ?? '*'}|${currency}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { clientId, clientName, currency, now: ZERO, cells: new Map() }));
    return s;
  };
  const cell = (s: Series, month: string) => {
    let c = s.cells.get(month);
    if (!c) s.cells.set(month, (c = { net: ZERO, reduced: ZERO, collected: ZERO, defaulted: ZERO, sales: ZERO }));
    return c;
  };
  const accountOf = new Map(accounts.map((a) => [a.id, a]));
  for (const a of accounts) {
    for (const s of [get(null, 'Portfolio', a.currency), get(a.client_id, a.name, a.currency)]) s.now = s.now.plus(a.balance);
  }
  for (const m of moves) {
    const a = accountOf.get(m.account_id);
    if (!a) continue;
    for (const s of [get(null, 'Portfolio', a.currency), get(a.client_id, a.name, a.currency)]) {
      const c = cell(s, m.month);
      c.net = c.net.plus(m.net);
      c.reduced = c.reduced.plus(m.reduced);
      c.collected = c.collected.plus(m.collected);
      c.defaulted = c.defaulted.plus(m.defaulted);
    }
  }
  const names = new Map(accounts.map((a) => [a.client_id, a.name]));
  for (const r of sales) {
    for (const s of [get(null, 'Portfolio', r.currency), get(r.client_id, names.get(r.client_id) ?? r.client_id, r.currency)]) {
      cell(s, r.month).sales = cell(s, r.month).sales.plus(r.face);
    }
  }
  const out: TrendSeries[] = [];
  for (const s of series.values()) {
    if (p.currency && s.currency !== p.currency) continue;
    // balance at the end of month M = the kept balance less every line dated after M's end
    let after = s.cells.get('after')?.net ?? ZERO;
    const points: TrendPoint[] = [];
    let active = false;
    for (const month of [...p.months].reverse()) {
      const c = s.cells.get(month) ?? { net: ZERO, reduced: ZERO, collected: ZERO, defaulted: ZERO, sales: ZERO };
      const receivables = s.now.minus(after);
      const dil = monthDilution(s.currency, c.reduced, c.collected, c.defaulted);
      const m = (v: Big) => moneyOut(v, s.currency);
      if (!receivables.eq(0) || !c.sales.eq(0) || !c.reduced.eq(0)) active = true;
      points.unshift({
        month,
        receivables: m(receivables),
        creditSales: m(c.sales),
        dso: dso(receivables, c.sales, daysInMonth(month)),
        reduced: m(c.reduced),
        collected: m(c.collected),
        dilutive: m(c.reduced.minus(c.collected)),
        dilution: dil?.rate ?? null,
        defaulted: m(c.defaulted),
      });
      after = after.plus(c.net);
    }
    if (s.clientId === null || active) out.push({ clientId: s.clientId, clientName: s.clientName, currency: s.currency, points });
  }
  out.sort(
    (a, b) => (a.clientId === null ? 0 : 1) - (b.clientId === null ? 0 : 1) || a.clientName.localeCompare(b.clientName) || a.currency.localeCompare(b.currency),
  );
  return { from: p.from, to: p.to, months: p.months, series: out };
}

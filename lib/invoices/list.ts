import type { z } from 'zod';
import type { RawSql } from '../../db/client';
import { INVOICE_STATUSES } from '../../db/schema/invoices';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { addDays, todayIn } from '../dates';
import {
  csvStream,
  filterSchema,
  keysetPage,
  queryObject,
  type CsvColumn,
  type ListDefinition,
  type ListPage,
  type ListQuery,
  type ListRequest,
} from '../lists/keyset';
import { Big, minorUnits, moneyOut } from '../money';
import { businessDate, choice, currency, days, formMoney, id, optional, text } from '../validation/fields';

/**
 * Issue 13: the invoices list (console /invoices, GET /api/v1/invoices and its CSV) on the keyset
 * engine, designed for 1,000,000 invoices. Every sort key is an expression with an index on
 * (expression, id, status, currency) in migration 0018, so a page is a walk of one index under a
 * LIMIT (a status or currency filter checked in the index as it goes); the other filters are ranges
 * of those indexes or of (status, id) / (client_id, id) / (currency, id). The totals are exact from the
 * counts the triggers of 0018 keep (invoice_status_counts, invoice_client_counts) when the filters
 * are only status, currency and client; otherwise counted up to the engine's cap, or estimated.
 *
 * Filter names are a contract: other screens link here with them (`/invoices?status=open&debtorId=7`).
 */

/** Open: what a debtor still owes and days past due mean something for. */
export const OPEN_STATUSES = ['funded', 'disputed'] as const;
export const INVOICE_LIST_STATUSES = [...INVOICE_STATUSES, 'open'] as const;

const STATUS_WORDS: Record<(typeof INVOICE_LIST_STATUSES)[number], string> = {
  submitted: 'Submitted',
  verified: 'Verified',
  funded: 'Funded',
  disputed: 'Disputed',
  settled: 'Settled',
  charged_back: 'Charged back',
  written_off: 'Written off',
  open: 'Open (funded or disputed)',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status as keyof typeof STATUS_WORDS] ?? status;
}

export const invoiceFilters = filterSchema({
  status: optional(choice('Status', INVOICE_LIST_STATUSES)),
  clientId: optional(id('Client')),
  debtorId: optional(id('Debtor')),
  currency: optional(currency('Currency')),
  from: optional(businessDate('Issued from')),
  to: optional(businessDate('Issued to')),
  dueFrom: optional(businessDate('Due from')),
  dueTo: optional(businessDate('Due to')),
  fundedFrom: optional(businessDate('Funded from')),
  fundedTo: optional(businessDate('Funded to')),
  minDaysPastDue: optional(days('Minimum days past due', { max: 36_500 })),
  maxDaysPastDue: optional(days('Maximum days past due', { max: 36_500 })),
  minAmount: optional(formMoney('Minimum face value')),
  maxAmount: optional(formMoney('Maximum face value')),
  number: optional(text('Number starts with', { max: 100 })),
}).superRefine((f, ctx) => {
  const pairs: [keyof typeof f, keyof typeof f, string][] = [
    ['from', 'to', 'Issued to must not be before Issued from'],
    ['dueFrom', 'dueTo', 'Due to must not be before Due from'],
    ['fundedFrom', 'fundedTo', 'Funded to must not be before Funded from'],
  ];
  for (const [low, high, message] of pairs) {
    if (f[low] !== undefined && f[high] !== undefined && String(f[high]) < String(f[low])) ctx.addIssue({ code: 'custom', path: [high], message });
  }
  if (f.minDaysPastDue !== undefined && f.maxDaysPastDue !== undefined && f.maxDaysPastDue < f.minDaysPastDue) {
    ctx.addIssue({ code: 'custom', path: ['maxDaysPastDue'], message: 'Maximum days past due must not be less than the minimum' });
  }
  if (f.minAmount !== undefined && f.maxAmount !== undefined && new Big(f.maxAmount).lt(f.minAmount)) {
    ctx.addIssue({ code: 'custom', path: ['maxAmount'], message: 'Maximum face value must not be less than the minimum' });
  }
});

export type InvoiceFilters = z.output<typeof invoiceFilters>;

/** The list's sort keys (API `?sort=`), each served by an index of migration 0018. */
export const invoiceList: ListDefinition<InvoiceFilters> = {
  name: 'invoices',
  sorts: {
    id: { expr: 'i.id', type: 'bigint', label: 'Entered' },
    number: { expr: 'upper(i.number) collate "C"', type: 'text', label: 'Number' },
    client: { expr: 'c.name', type: 'text', label: 'Client' },
    debtor: { expr: 'd.name', type: 'text', label: 'Debtor' },
    faceValue: { expr: 'i.face_value', type: 'numeric', label: 'Face value' },
    outstanding: { expr: 'coalesce(i.outstanding, i.face_value)', type: 'numeric', label: 'Outstanding' },
    issueDate: { expr: 'i.issue_date', type: 'date', label: 'Issued' },
    dueDate: { expr: 'i.due_date', type: 'date', label: 'Due' },
    fundingDate: { expr: "coalesce(i.funding_date, date '0001-01-01')", type: 'date', label: 'Funded' },
    // most days past due = earliest due date: ascending days past due is the due date descending
    daysPastDue: { expr: 'i.due_date', type: 'date', label: 'Days past due', reverse: true },
    status: { expr: 'i.status', type: 'text', label: 'Status' },
  },
  defaultSort: 'id',
  defaultOrder: 'desc',
  idExpr: 'i.id',
  filters: invoiceFilters,
};

interface InvoiceListRow {
  id: string;
  number: string;
  client_id: string;
  client_name: string;
  debtor_id: string;
  debtor_name: string;
  currency: string;
  face_value: string;
  advance: string | null;
  outstanding: string;
  status: string;
  issue_date: string;
  due_date: string;
  funding_date: string | null;
  settled_date: string | null;
  days_past_due: number | null;
}

/**
 * One row of the list, in API.md's invoice shape (its own fields; `reserve` and `feesAccrued` come
 * from the invoice's ledger and are on GET /invoices/{id}) with the client's and debtor's names
 * and the days past due (open invoices: today − due date in FACTOR_TIMEZONE, at least 0; others null).
 */
export interface InvoiceListItem {
  id: string;
  clientId: string;
  debtorId: string;
  client: { id: string; name: string };
  debtor: { id: string; name: string };
  number: string;
  currency: string;
  status: string;
  faceValue: string;
  advance: string;
  outstanding: string;
  issueDate: string;
  dueDate: string;
  fundingDate: string | null;
  settledDate: string | null;
  daysPastDue: number | null;
}

const PLAIN_NUMERIC = /^\d+\.\d{4}$/;

/**
 * moneyOut for the text Postgres gives of a money column ("12345.6700"), without Big.js when the
 * digits past the currency's minor units are zeros (always, for amounts people enter): the CSV of a
 * million invoices formats three million amounts. Anything else goes through moneyOut.
 */
export function listMoney(text: string | null, currency: string): string {
  if (text !== null && PLAIN_NUMERIC.test(text)) {
    const units = minorUnits(currency);
    const dot = text.length - 5;
    if (/^0*$/.test(text.slice(dot + 1 + units))) return units === 0 ? text.slice(0, dot) : text.slice(0, dot + 1 + units);
  }
  return moneyOut(text, currency);
}

function toItem(r: InvoiceListRow): InvoiceListItem {
  return {
    id: r.id,
    clientId: r.client_id,
    debtorId: r.debtor_id,
    client: { id: r.client_id, name: r.client_name },
    debtor: { id: r.debtor_id, name: r.debtor_name },
    number: r.number,
    currency: r.currency,
    status: r.status,
    faceValue: listMoney(r.face_value, r.currency),
    advance: listMoney(r.advance, r.currency),
    outstanding: listMoney(r.outstanding, r.currency),
    issueDate: r.issue_date,
    dueDate: r.due_date,
    fundingDate: r.funding_date,
    settledDate: r.settled_date,
    daysPastDue: r.days_past_due,
  };
}

/**
 * Open (funded or disputed) as SQL: the range of statuses from 'disputed' to 'funded', which holds
 * exactly those two (a unit test keeps it so). A range, unlike an IN list, is checked inside the
 * sort indexes (status follows the id in each) and is the predicate of the partial index on open
 * invoices (migration 0018); written out, never a parameter, so the planner can match it.
 */
export const OPEN_RANGE = ['disputed', 'funded'] as const;
const OPEN = (sql: RawSql) => sql`i.status between 'disputed' and 'funded'`;

/**
 * The order a list is in when the request names none: newest first, or — when it is filtered to a
 * range — the range's own order (most days past due first; due soonest; issued, funded latest;
 * the numbers; the largest), so the page is a walk of that range's index rather than a search of
 * the newest invoices for the few in the range.
 */
export function defaultSortOf(params: Record<string, string | undefined>): { sort: string; order: 'asc' | 'desc' } | null {
  const has = (...names: string[]) => names.some((n) => params[n] !== undefined && params[n] !== '');
  if (has('sort')) return null;
  if (has('minDaysPastDue', 'maxDaysPastDue')) return { sort: 'daysPastDue', order: 'desc' };
  if (has('dueFrom', 'dueTo')) return { sort: 'dueDate', order: 'asc' };
  if (has('from', 'to')) return { sort: 'issueDate', order: 'desc' };
  if (has('fundedFrom', 'fundedTo')) return { sort: 'fundingDate', order: 'desc' };
  if (has('number')) return { sort: 'number', order: 'asc' };
  if (has('minAmount', 'maxAmount')) return { sort: 'faceValue', order: 'desc' };
  return null;
}

/** The URL's query with the default order of its filters made explicit (see defaultSortOf). */
export function invoiceListParams(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const q = queryObject(params);
  const sorted = defaultSortOf(q);
  return sorted ? { ...q, ...sorted } : q;
}

/** `NW-10` → `NW-10%` for LIKE, its own `%`, `_` and `\` taken literally. */
export function prefixPattern(prefix: string): string {
  return prefix.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

/**
 * The client whose invoices the actor may list: a client user's own, else the filter's (null: all).
 * A client user filtering by another client sees nothing (`mismatch`).
 */
function scopeOf(actor: Actor, filters: InvoiceFilters): { clientId: number | null; mismatch: boolean } {
  if (isClientUser(actor)) {
    const own = actor.clientId ?? -1;
    return { clientId: own, mismatch: filters.clientId !== undefined && filters.clientId !== own };
  }
  return { clientId: filters.clientId ?? null, mismatch: false };
}

/** The query of one request: select, from (joining only what the sort needs), where, and the exact count where it is kept. */
export function invoiceListQuery(sql: RawSql, actor: Actor, request: ListRequest<InvoiceFilters>, today: string = todayIn()): ListQuery {
  const f = request.filters;
  const scope = scopeOf(actor, f);
  const statuses: string[] | null = f.status === 'open' ? [...OPEN_STATUSES] : f.status ? [f.status] : null;
  const pastDue = f.minDaysPastDue !== undefined || f.maxDaysPastDue !== undefined;
  // Days past due mean something for open invoices only: the filter keeps to them.
  const openOnly = pastDue && !(statuses && statuses.every((s) => (OPEN_STATUSES as readonly string[]).includes(s)));
  const funded = sql`coalesce(i.funding_date, date '0001-01-01')`;
  const where = [
    scope.mismatch ? sql`false` : null,
    scope.clientId !== null ? sql`i.client_id = ${scope.clientId}` : null,
    f.status === 'open' ? OPEN(sql) : f.status ? sql`i.status = ${f.status}` : null,
    openOnly ? OPEN(sql) : null,
    f.debtorId !== undefined ? sql`i.debtor_id = ${f.debtorId}` : null,
    f.currency ? sql`i.currency = ${f.currency}` : null,
    f.from ? sql`i.issue_date >= ${f.from}::date` : null,
    f.to ? sql`i.issue_date <= ${f.to}::date` : null,
    f.dueFrom ? sql`i.due_date >= ${f.dueFrom}::date` : null,
    f.dueTo ? sql`i.due_date <= ${f.dueTo}::date` : null,
    // written on the index's expression: an invoice not yet funded has none of these dates
    f.fundedFrom ? sql`${funded} >= ${f.fundedFrom}::date` : null,
    f.fundedTo ? sql`${funded} <= ${f.fundedTo}::date and ${funded} > date '0001-01-01'` : null,
    // days past due are never below 0 (an invoice not yet due is 0 days past due): "at least 0" is every open invoice
    f.minDaysPastDue ? sql`i.due_date <= ${addDays(today, -f.minDaysPastDue)}::date` : null,
    f.maxDaysPastDue !== undefined ? sql`i.due_date >= ${addDays(today, -f.maxDaysPastDue)}::date` : null,
    f.minAmount !== undefined ? sql`i.face_value >= ${f.minAmount}::numeric` : null,
    f.maxAmount !== undefined ? sql`i.face_value <= ${f.maxAmount}::numeric` : null,
    f.number ? sql`upper(i.number) collate "C" like ${prefixPattern(f.number)}` : null,
  ];
  // A sort by name walks clients (debtors) by name and fetches each one's invoices: a join. Otherwise
  // the names are looked up for the page's rows only (after the LIMIT), never joined over the set.
  const byClient = request.sort === 'client';
  const byDebtor = request.sort === 'debtor';
  // the kept counts are by status, currency and client only
  const kept =
    f.debtorId === undefined &&
    !f.from &&
    !f.to &&
    !f.dueFrom &&
    !f.dueTo &&
    !f.fundedFrom &&
    !f.fundedTo &&
    !pastDue &&
    f.minAmount === undefined &&
    f.maxAmount === undefined &&
    !f.number;
  return {
    select: sql`
      i.id::text as id, i.number, i.client_id::text as client_id, i.debtor_id::text as debtor_id,
      ${byClient ? sql`c.name` : sql`(select k.name from clients k where k.id = i.client_id)`} as client_name,
      ${byDebtor ? sql`d.name` : sql`(select e.name from debtors e where e.id = i.debtor_id)`} as debtor_name,
      i.currency, i.face_value::text as face_value, i.advance::text as advance, coalesce(i.outstanding, i.face_value)::text as outstanding,
      i.status, i.issue_date, i.due_date, i.funding_date, i.settled_date,
      case when i.status in ('funded', 'disputed') then greatest(0, ${today}::date - i.due_date) end as days_past_due`,
    from: sql`invoices i ${byClient ? sql`join clients c on c.id = i.client_id` : sql``} ${byDebtor ? sql`join debtors d on d.id = i.debtor_id` : sql``}`,
    where,
    exactCount: kept && !scope.mismatch ? () => keptCount(sql, scope.clientId, statuses, f.currency ?? null) : undefined,
    // every filter is on the invoice: the count needs no name
    countFrom: sql`invoices i`,
  };
}

/**
 * The exact count from the kept counts: per status and currency, or per client and status (a
 * client's count by currency is not kept: null, and the engine counts).
 */
export async function keptCount(sql: RawSql, clientId: number | null, statuses: string[] | null, currencyCode: string | null): Promise<number | null> {
  if (clientId !== null) {
    if (currencyCode) return null;
    const [row] = await sql<{ n: string }[]>`
      select coalesce(sum(n), 0)::text as n from invoice_client_counts
       where client_id = ${clientId} ${statuses ? sql`and status in ${sql(statuses)}` : sql``}`;
    return Number(row!.n);
  }
  const [row] = await sql<{ n: string }[]>`
    select coalesce(sum(n), 0)::text as n from invoice_status_counts
     where true ${statuses ? sql`and status in ${sql(statuses)}` : sql``} ${currencyCode ? sql`and currency = ${currencyCode}` : sql``}`;
  return Number(row!.n);
}

/** The currencies invoices are in (from the kept counts: a few rows), for the screen's currency filter. */
export async function listCurrencies(sql: RawSql): Promise<string[]> {
  const rows = await sql<{ currency: string }[]>`select currency from invoice_status_counts group by currency having sum(n) > 0 order by currency`;
  return rows.map((r) => r.currency);
}

/** One page of the invoices list as `actor` may see it. */
export async function invoicePage(sql: RawSql, actor: Actor, request: ListRequest<InvoiceFilters>, today?: string): Promise<ListPage<InvoiceListItem>> {
  return keysetPage<InvoiceFilters, InvoiceListRow, InvoiceListItem>(sql, invoiceList, request, invoiceListQuery(sql, actor, request, today), toItem);
}

export const INVOICE_CSV_COLUMNS: CsvColumn<InvoiceListItem>[] = [
  { header: 'Id', value: (r) => r.id },
  { header: 'Number', value: (r) => r.number },
  { header: 'Client id', value: (r) => r.client.id },
  { header: 'Client', value: (r) => r.client.name },
  { header: 'Debtor id', value: (r) => r.debtor.id },
  { header: 'Debtor', value: (r) => r.debtor.name },
  { header: 'Currency', value: (r) => r.currency },
  { header: 'Face value', value: (r) => r.faceValue },
  { header: 'Advance', value: (r) => r.advance },
  { header: 'Outstanding', value: (r) => r.outstanding },
  { header: 'Status', value: (r) => r.status },
  { header: 'Issued', value: (r) => r.issueDate },
  { header: 'Due', value: (r) => r.dueDate },
  { header: 'Funded', value: (r) => r.fundingDate },
  { header: 'Settled', value: (r) => r.settledDate },
  { header: 'Days past due', value: (r) => r.daysPastDue },
];

/** The whole filtered set as CSV, in the list's order, streamed. */
export function invoiceCsv(
  sql: RawSql,
  actor: Actor,
  request: ListRequest<InvoiceFilters>,
  today?: string,
  options: { batch?: number } = {},
): ReadableStream<Uint8Array> {
  return csvStream<InvoiceFilters, InvoiceListRow>(
    sql,
    invoiceList,
    request,
    invoiceListQuery(sql, actor, request, today),
    INVOICE_CSV_COLUMNS.map((c) => ({ header: c.header, value: (row: InvoiceListRow) => c.value(toItem(row)) })),
    options,
  );
}

import type { RawSql } from '../../db/client';
import { INVOICE_STATUSES } from '../../db/schema/invoices';
import { filterSchema, type CsvColumn, type ListDefinition, type ListQuery, type ListRequest } from '../lists/keyset';
import { moneyOut } from '../money';
import { choice, id, optional } from '../validation/fields';

/**
 * Issue 13: the paged lists of the debtor page (its invoices across clients, its payments) and of
 * the client page (its invoices), on the keyset engine. Each reads one index range of the debtor's
 * or client's own rows in the order shown — invoices_debtor_issue_idx / invoices_debtor_due_idx /
 * invoices_client_issue_idx / payments_debtor_received_idx (migration 0020) — and takes its exact
 * total from the roll-up `debtor_exposure_now` when the filter is one it counts, so page 2,000 of a
 * debtor's 100,000 invoices costs what page 1 does. The full, filterable lists are Invoices
 * (`/invoices?debtorId=…`, `/invoices?clientId=…`) and Payments.
 */

const STATUS_FILTER = ['open', ...INVOICE_STATUSES] as const;
type StatusFilter = (typeof STATUS_FILTER)[number];

export interface PartyInvoiceFilters {
  status?: StatusFilter;
  clientId?: number;
}

export const DEBTOR_INVOICES_LIST: ListDefinition<PartyInvoiceFilters> = {
  name: 'debtor-invoices',
  sorts: {
    issueDate: { expr: 'i.issue_date', type: 'date', label: 'Issued' },
    dueDate: { expr: 'i.due_date', type: 'date', label: 'Due' },
  },
  defaultSort: 'issueDate',
  defaultOrder: 'desc',
  idExpr: 'i.id',
  filters: filterSchema({
    status: optional(choice('Status', STATUS_FILTER, { open: 'open (funded or disputed)' })),
    clientId: optional(id('Client')),
  }),
};

export const CLIENT_INVOICES_LIST: ListDefinition<PartyInvoiceFilters> = {
  name: 'client-invoices',
  sorts: { issueDate: { expr: 'i.issue_date', type: 'date', label: 'Issued' } },
  defaultSort: 'issueDate',
  defaultOrder: 'desc',
  idExpr: 'i.id',
  filters: filterSchema({ status: optional(choice('Status', STATUS_FILTER, { open: 'open (funded or disputed)' })) }),
};

export interface PartyInvoiceRow {
  id: string;
  number: string;
  client_id: string;
  client_name: string;
  debtor_id: string;
  debtor_name: string;
  currency: string;
  face_value: string;
  outstanding: string | null;
  status: string;
  issue_date: string;
  due_date: string;
  funding_date: string | null;
  settled_date: string | null;
}

export interface PartyInvoice {
  id: string;
  number: string;
  clientId: string;
  clientName: string;
  debtorId: string;
  debtorName: string;
  currency: string;
  faceValue: string;
  outstanding: string;
  status: string;
  issueDate: string;
  dueDate: string;
  fundingDate: string | null;
  settledDate: string | null;
}

export function partyInvoice(r: PartyInvoiceRow): PartyInvoice {
  return {
    id: r.id,
    number: r.number,
    clientId: r.client_id,
    clientName: r.client_name,
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    currency: r.currency,
    faceValue: moneyOut(r.face_value, r.currency),
    // not funded yet: the debtor owes the face value
    outstanding: moneyOut(r.outstanding ?? r.face_value, r.currency),
    status: r.status,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    fundingDate: r.funding_date,
    settledDate: r.settled_date,
  };
}

const INVOICE_SELECT = (sql: RawSql) =>
  sql`i.id::text as id, i.number, i.client_id::text as client_id, c.name as client_name, i.debtor_id::text as debtor_id, d.name as debtor_name,
      i.currency, i.face_value, i.outstanding, i.status, i.issue_date::text as issue_date, i.due_date::text as due_date,
      i.funding_date::text as funding_date, i.settled_date::text as settled_date`;

function statusCondition(sql: RawSql, status: StatusFilter | undefined) {
  if (!status) return null;
  return status === 'open' ? sql`i.status in ('funded', 'disputed')` : sql`i.status = ${status}`;
}

/** The roll-up's exact count for a filter it counts (no status, open, settled), else null: counted or estimated. */
function rolledUpCount(sql: RawSql, party: 'debtor' | 'client', partyId: number, status: StatusFilter | undefined) {
  const column = status === undefined ? 'invoices' : status === 'open' ? 'open_invoices' : status === 'settled' ? 'settled_invoices' : null;
  if (!column) return undefined;
  return async () => {
    const [row] = await sql<{ n: number }[]>`
      select coalesce(sum(${sql(column)}), 0)::int as n from debtor_exposure_now where ${sql(party === 'debtor' ? 'debtor_id' : 'client_id')} = ${partyId}`;
    return row!.n;
  };
}

/** A debtor's invoices, across its clients. */
export function debtorInvoicesQuery(sql: RawSql, debtorId: number, request: ListRequest<PartyInvoiceFilters>): ListQuery {
  const f = request.filters;
  return {
    select: INVOICE_SELECT(sql),
    from: sql`invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id`,
    where: [sql`i.debtor_id = ${debtorId}`, statusCondition(sql, f.status), f.clientId ? sql`i.client_id = ${f.clientId}` : null],
    exactCount: f.clientId ? undefined : rolledUpCount(sql, 'debtor', debtorId, f.status),
  };
}

/** A client's invoices (the client page; a client user's scope is checked by the page). */
export function clientInvoicesQuery(sql: RawSql, clientId: number, request: ListRequest<PartyInvoiceFilters>): ListQuery {
  return {
    select: INVOICE_SELECT(sql),
    from: sql`invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id`,
    where: [sql`i.client_id = ${clientId}`, statusCondition(sql, request.filters.status)],
    exactCount: rolledUpCount(sql, 'client', clientId, request.filters.status),
  };
}

export const PARTY_INVOICE_CSV: CsvColumn<PartyInvoiceRow>[] = [
  { header: 'Id', value: (r) => r.id },
  { header: 'Number', value: (r) => r.number },
  { header: 'Client', value: (r) => r.client_name },
  { header: 'Debtor', value: (r) => r.debtor_name },
  { header: 'Currency', value: (r) => r.currency },
  { header: 'Face value', value: (r) => moneyOut(r.face_value, r.currency) },
  { header: 'Outstanding', value: (r) => moneyOut(r.outstanding ?? r.face_value, r.currency) },
  { header: 'Status', value: (r) => r.status },
  { header: 'Issued', value: (r) => r.issue_date },
  { header: 'Due', value: (r) => r.due_date },
  { header: 'Funded', value: (r) => r.funding_date ?? '' },
  { header: 'Settled', value: (r) => r.settled_date ?? '' },
];

export const DEBTOR_PAYMENTS_LIST: ListDefinition<Record<string, never>> = {
  name: 'debtor-payments',
  sorts: { receivedDate: { expr: 'p.received_date', type: 'date', label: 'Received' } },
  defaultSort: 'receivedDate',
  defaultOrder: 'desc',
  idExpr: 'p.id',
  filters: filterSchema({}),
  // a debtor's payments past this are "about N" (the planner's estimate), not counted each view
  countCap: 2_000,
};

export interface DebtorPaymentRow {
  id: string;
  received_date: string;
  currency: string;
  amount: string;
  unapplied: string;
  payer_name: string;
  reference: string;
  status: string;
}

export interface DebtorPayment {
  id: string;
  receivedDate: string;
  currency: string;
  amount: string;
  unapplied: string;
  payerName: string;
  reference: string;
  status: string;
}

export const debtorPayment = (r: DebtorPaymentRow): DebtorPayment => ({
  id: r.id,
  receivedDate: r.received_date,
  currency: r.currency,
  amount: moneyOut(r.amount, r.currency),
  unapplied: moneyOut(r.unapplied, r.currency),
  payerName: r.payer_name,
  reference: r.reference,
  status: r.status,
});

/** The payments identified as the debtor's (payments.debtor_id: set when they are applied to its invoices). */
export function debtorPaymentsQuery(sql: RawSql, debtorId: number): ListQuery {
  return {
    select: sql`p.id::text as id, p.received_date::text as received_date, p.currency, p.amount, p.unapplied, p.payer_name, p.reference, p.status`,
    from: sql`payments p`,
    where: [sql`p.debtor_id = ${debtorId}`],
  };
}

export const DEBTOR_PAYMENT_CSV: CsvColumn<DebtorPaymentRow>[] = [
  { header: 'Id', value: (r) => r.id },
  { header: 'Received', value: (r) => r.received_date },
  { header: 'Currency', value: (r) => r.currency },
  { header: 'Amount', value: (r) => moneyOut(r.amount, r.currency) },
  { header: 'Unapplied', value: (r) => moneyOut(r.unapplied, r.currency) },
  { header: 'Payer', value: (r) => r.payer_name },
  { header: 'Reference', value: (r) => r.reference },
  { header: 'Status', value: (r) => r.status },
];

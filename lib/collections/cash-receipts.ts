import type { z } from 'zod';
import type { RawSql } from '../../db/client';
import { checkDateRange, containsPattern } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { moneyOut } from '../money';
import { businessDate, currency, id, invoiceNumber, optional, text } from '../validation/fields';

/**
 * Issue 15 item 5: the cash receipts journal — one row per application of a payment to an invoice
 * (the date it was applied, which is the day the money came in; the payment and its reference; who
 * paid; the debtor, the client and the invoice; the amount applied and its currency), on the keyset
 * list engine (lib/lists/keyset.ts): `GET /api/v1/cash-receipts` and Collections → Cash receipts.
 *
 * Indexes (migration 0033): payment_applications (applied_date, id) and (amount, id) for the sorts;
 * (client_id, applied_date, id), (debtor_id, applied_date, id) and (currency, applied_date, id) for a
 * client's, a debtor's or a currency's receipts by date — the application keeps its invoice's client,
 * debtor and currency, so no filter joins the invoices first. An invoice number is looked up by the
 * invoices' upper(number) index, then its applications by payment_applications_invoice_idx.
 * The page's names (payment, debtor, client, invoice) are read by primary key for its rows only,
 * after the LIMIT.
 */

const shape = {
  from: optional(businessDate('Date from')),
  to: optional(businessDate('Date to')),
  currency: optional(currency('Currency')),
  clientId: optional(id('Client')),
  clientName: optional(text('Client name contains', { max: 200 })),
  debtorId: optional(id('Debtor')),
  debtorName: optional(text('Debtor name contains', { max: 200 })),
  invoice: optional(invoiceNumber('Invoice number')),
};

export const cashReceiptFilters = filterSchema(shape).superRefine((v, ctx) => checkDateRange(ctx, v.from, v.to, { from: 'Date from', to: 'Date to' }));
export type CashReceiptFilters = z.output<typeof cashReceiptFilters>;

export const cashReceiptListDefinition: ListDefinition<CashReceiptFilters> = {
  name: 'cash-receipts',
  sorts: {
    date: { expr: 'pa.applied_date', type: 'date', label: 'Date' },
    amount: { expr: 'pa.amount', type: 'numeric', label: 'Amount applied' },
  },
  defaultSort: 'date',
  defaultOrder: 'desc',
  idExpr: 'pa.id',
  filters: cashReceiptFilters,
};

export interface CashReceiptRow {
  id: string;
  applied_date: string;
  amount: string;
  currency: string;
  payment_id: string;
  /** the payment's reference and payer name */
  payment: [string, string];
  debtor_id: string;
  debtor_name: string;
  client_id: string;
  client_name: string;
  invoice_id: string;
  invoice_number: string;
}

/** One application as the list and the API show it (money in the currency's edge format). */
export interface CashReceipt {
  id: string;
  date: string;
  paymentId: string;
  reference: string;
  payerName: string;
  debtorId: string;
  debtorName: string;
  clientId: string;
  clientName: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: string;
  currency: string;
}

export function cashReceiptItem(r: CashReceiptRow): CashReceipt {
  const c = r.currency.trim();
  return {
    id: r.id,
    date: r.applied_date,
    paymentId: r.payment_id,
    reference: r.payment[0],
    payerName: r.payment[1],
    debtorId: r.debtor_id,
    debtorName: r.debtor_name,
    clientId: r.client_id,
    clientName: r.client_name,
    invoiceId: r.invoice_id,
    invoiceNumber: r.invoice_number,
    amount: moneyOut(r.amount, c),
    currency: c,
  };
}

function conditions(sql: RawSql, f: CashReceiptFilters) {
  return [
    f.from ? sql`pa.applied_date >= ${f.from}::date` : null,
    f.to ? sql`pa.applied_date <= ${f.to}::date` : null,
    f.currency ? sql`pa.currency = ${f.currency}` : null,
    f.clientId !== undefined ? sql`pa.client_id = ${f.clientId}` : null,
    f.debtorId !== undefined ? sql`pa.debtor_id = ${f.debtorId}` : null,
    // Name filters as semi-joins (not `= any(array(…))`): the planner then knows how many clients a
    // name matches — a few: their receipts by the (client_id, applied_date, id) index and a small
    // sort; most of them: the date index in order, each row's client checked by key.
    f.clientName ? sql`pa.client_id in (select x.id from clients x where x.name ilike ${containsPattern(f.clientName)})` : null,
    f.debtorName ? sql`pa.debtor_id in (select x.id from debtors x where x.name ilike ${containsPattern(f.debtorName)})` : null,
    // the number as written, any case: every client's invoice of that number (the list shows whose)
    f.invoice ? sql`pa.invoice_id in (select x.id from invoices x where upper(x.number) collate "C" = ${f.invoice.toUpperCase()})` : null,
  ];
}

const csv = [
  { header: 'Application', value: (r: CashReceipt) => r.id },
  { header: 'Date', value: (r: CashReceipt) => r.date },
  { header: 'Payment', value: (r: CashReceipt) => r.paymentId },
  { header: 'Payment reference', value: (r: CashReceipt) => r.reference },
  { header: 'Payer', value: (r: CashReceipt) => r.payerName },
  { header: 'Debtor', value: (r: CashReceipt) => r.debtorName },
  { header: 'Client', value: (r: CashReceipt) => r.clientName },
  { header: 'Invoice', value: (r: CashReceipt) => r.invoiceNumber },
  { header: 'Amount applied', value: (r: CashReceipt) => r.amount },
  { header: 'Currency', value: (r: CashReceipt) => r.currency },
];

/** The cash receipts journal (staff: payments are the debtors' money, no client's own list). */
export function cashReceiptList(sql: RawSql): ListSpec<CashReceiptFilters, CashReceiptRow, CashReceipt> {
  return {
    def: cashReceiptListDefinition,
    query: (request) => ({
      // The names are read for the page's rows only — subqueries by primary key, evaluated after the
      // ORDER BY … LIMIT — so a filter matching thousands of receipts joins nothing before the page is cut.
      select: sql`
        pa.id::text as id, pa.applied_date::text as applied_date, pa.amount::text as amount, pa.currency,
        pa.payment_id::text as payment_id, pa.debtor_id::text as debtor_id, pa.client_id::text as client_id, pa.invoice_id::text as invoice_id,
        (select array[p.reference, p.payer_name] from payments p where p.id = pa.payment_id) as payment,
        (select d.name from debtors d where d.id = pa.debtor_id) as debtor_name,
        (select c.name from clients c where c.id = pa.client_id) as client_name,
        (select i.number from invoices i where i.id = pa.invoice_id) as invoice_number`,
      from: sql`payment_applications pa`,
      where: conditions(sql, request.filters),
    }),
    map: cashReceiptItem,
    csv,
    file: 'cash-receipts',
  };
}

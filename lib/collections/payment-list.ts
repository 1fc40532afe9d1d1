import { searchKey } from '../search/query';
import type { Database, RawSql, Tx } from '../../db/client';
import { checkAmountRange, checkDateRange, containsPattern } from '../lists/common-filters';
import { filterSchema, keysetPage, type ListDefinition, type ListPage, type ListRequest } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { moneyOut } from '../money';
import { businessDate, choice, currency, formMoney, id, optional, text } from '../validation/fields';
import { paymentSummary, type PaymentSummary, type PaymentSummaryRow } from './payment-summary';
import type { InboxPayment, PaymentView } from './payments';

/**
 * Issue 13: the payments list (`GET /api/v1/payments`, Collections → All payments) and the
 * collections inbox (payments with money left to apply, oldest first), on the keyset engine.
 *
 * Indexes (0020_lists): (received_date, id), (amount, id), (status, id) for the sorts;
 * (status, received_date, id) and (debtor_id, received_date, id) for a status's or a debtor's
 * payments by date, (currency, received_date, id) likewise; the inbox's partial index (received_date, id) where money is left to apply.
 * Payer and reference "contains" read the trigram indexes of 0017_search.
 */

export const PAYMENT_STATUSES = ['unapplied', 'partially_applied', 'applied', 'refunded'] as const;
export const PAYMENT_STATUS_LABELS: Record<(typeof PAYMENT_STATUSES)[number], string> = {
  unapplied: 'unapplied',
  partially_applied: 'partially applied',
  applied: 'applied',
  refunded: 'refunded',
};

const shape = {
  from: optional(businessDate('Received from')),
  to: optional(businessDate('Received to')),
  minAmount: optional(formMoney('Smallest amount')),
  maxAmount: optional(formMoney('Largest amount')),
  currency: optional(currency('Currency')),
  debtorId: optional(id('Debtor')),
  debtorName: optional(text('Debtor name contains', { max: 200 })),
  payer: optional(text('Payer contains', { max: 200 })),
  reference: optional(text('Reference contains', { max: 200 })),
};

const ranges = <T extends { from?: string; to?: string; minAmount?: string; maxAmount?: string }>(v: T, ctx: Parameters<typeof checkDateRange>[0]) => {
  checkDateRange(ctx, v.from, v.to, { from: 'Received from', to: 'Received to' });
  checkAmountRange(ctx, v.minAmount, v.maxAmount, { min: 'Smallest amount', max: 'Largest amount' });
};

const paymentFilters = filterSchema({
  status: optional(choice('Status', PAYMENT_STATUSES, PAYMENT_STATUS_LABELS)),
  /** yes: the inbox's payments (unapplied or partly applied, with money left to apply) */
  toApply: optional(choice('Money left to apply', ['yes'] as const)),
  ...shape,
}).superRefine(ranges);
const inboxFilters = filterSchema(shape).superRefine(ranges);

export type PaymentFilters = ReturnType<typeof paymentFilters.parse>;
export type InboxFilters = ReturnType<typeof inboxFilters.parse>;

const sorts = {
  received: { expr: 'p.received_date', type: 'date', label: 'Received' },
  amount: { expr: 'p.amount', type: 'numeric', label: 'Amount' },
  status: { expr: 'p.status', type: 'text', label: 'Status' },
} as const;

export const paymentListDefinition: ListDefinition<PaymentFilters> = {
  name: 'payments',
  sorts,
  defaultSort: 'received',
  defaultOrder: 'desc',
  idExpr: 'p.id',
  filters: paymentFilters,
};

/** The inbox: payments with money left to apply, oldest first (the queue a collector works). */
export const inboxListDefinition: ListDefinition<InboxFilters> = {
  name: 'inbox',
  sorts: { received: sorts.received, amount: sorts.amount },
  defaultSort: 'received',
  defaultOrder: 'asc',
  idExpr: 'p.id',
  filters: inboxFilters,
};

/** What makes a payment the inbox's: the condition of the partial index payments_inbox_idx, word for word. */
const inbox = (sql: RawSql) => sql`p.status in ('unapplied', 'partially_applied') and p.unapplied > 0`;

/** A payment as the list shows it: its summary and its debtor's name. */
export interface PaymentListItem extends PaymentSummary {
  debtorName: string | null;
}

type PaymentListRow = PaymentSummaryRow & { debtor_name: string | null };

/**
 * "Contains" on a payer or reference, compared as search does (letters and digits, any case: a typed
 * "inv 1003" finds "INV-1003"), through migration 0017's trigram index on search_key(col). Text of
 * punctuation alone falls back to a plain ILIKE.
 */
function keyContains(sql: RawSql, keyed: ReturnType<RawSql>, column: ReturnType<RawSql>, typed: string) {
  const key = searchKey(typed);
  return key ? sql`${keyed} like ${'%' + key + '%'}` : sql`${column} ilike ${containsPattern(typed)}`;
}

function conditions(sql: RawSql, f: InboxFilters & { status?: string; toApply?: string }) {
  return [
    f.status ? sql`p.status = ${f.status}` : null,
    f.toApply ? inbox(sql) : null,
    f.from ? sql`p.received_date >= ${f.from}::date` : null,
    f.to ? sql`p.received_date <= ${f.to}::date` : null,
    f.minAmount !== undefined ? sql`p.amount >= ${f.minAmount}::numeric` : null,
    f.maxAmount !== undefined ? sql`p.amount <= ${f.maxAmount}::numeric` : null,
    f.currency ? sql`p.currency = ${f.currency}` : null,
    f.debtorId !== undefined ? sql`p.debtor_id = ${f.debtorId}` : null,
    f.debtorName ? sql`p.debtor_id = any(array(select x.id from debtors x where x.name ilike ${containsPattern(f.debtorName)}))` : null,
    f.payer ? keyContains(sql, sql`search_key(p.payer_name)`, sql`p.payer_name`, f.payer) : null,
    f.reference ? keyContains(sql, sql`search_key(p.reference)`, sql`p.reference`, f.reference) : null,
  ];
}

function select(sql: RawSql) {
  return sql`p.id::text as id, p.status, p.currency, p.amount::text as amount, p.unapplied::text as unapplied, p.received_date::text as received_date,
             p.payer_name, p.reference, p.source, p.debtor_id::text as debtor_id, d.name as debtor_name, p.unapplied_reason`;
}

export function paymentItem(r: PaymentListRow): PaymentListItem {
  return { ...paymentSummary(r), debtorName: r.debtor_name };
}

const csv = [
  { header: 'Payment', value: (p: PaymentListItem) => p.id },
  { header: 'Received', value: (p: PaymentListItem) => p.receivedDate },
  { header: 'Payer', value: (p: PaymentListItem) => p.payerName },
  { header: 'Reference', value: (p: PaymentListItem) => p.reference },
  { header: 'Debtor', value: (p: PaymentListItem) => p.debtorName ?? '' },
  { header: 'Currency', value: (p: PaymentListItem) => p.currency },
  { header: 'Amount', value: (p: PaymentListItem) => p.amount },
  { header: 'Unapplied', value: (p: PaymentListItem) => p.unapplied },
  { header: 'Status', value: (p: PaymentListItem) => p.status },
  { header: 'Source', value: (p: PaymentListItem) => p.source },
];

/** Every payment (staff only: payments are the debtors' money, no client's own). */
export function paymentList(sql: RawSql): ListSpec<PaymentFilters, PaymentListRow, PaymentListItem> {
  return {
    def: paymentListDefinition,
    query: (request) => ({
      select: select(sql),
      from: sql`payments p left join debtors d on d.id = p.debtor_id`,
      where: conditions(sql, request.filters),
    }),
    map: paymentItem,
    csv,
    file: 'payments',
  };
}

/** The inbox as a list: payments with money left to apply. */
export function inboxList(sql: RawSql): ListSpec<InboxFilters, PaymentListRow, PaymentListItem> {
  return {
    def: inboxListDefinition,
    query: (request) => ({
      select: select(sql),
      from: sql`payments p left join debtors d on d.id = p.debtor_id`,
      where: [inbox(sql), ...conditions(sql, request.filters)],
    }),
    map: paymentItem,
    csv,
    file: 'inbox',
  };
}

/**
 * A page of the inbox as the collections screen shows it: each payment with its stored
 * suggestions and, for each suggested invoice, its number, debtor, client and what it still owes
 * — in three statements for the whole page (the page, its applications, the suggested invoices),
 * never a query per payment.
 */
export async function inboxPage(db: Database | Tx, request: ListRequest<InboxFilters>): Promise<ListPage<InboxPayment>> {
  const sql = db.sql;
  const spec = inboxList(sql);
  const page = await keysetPage(sql, spec.def, request, spec.query(request), spec.map);
  const ids = page.items.map((p) => Number(p.id));
  if (ids.length === 0) return { ...page, items: [] };
  const [extra, apps] = await Promise.all([
    sql<{ id: string; suggestions: PaymentView['suggestions'] }[]>`select id::text as id, suggestions from payments where id = any(${ids}::bigint[])`,
    sql<{ payment_id: string; invoice_id: string; amount: string; applied_date: string }[]>`
      select payment_id::text as payment_id, invoice_id::text as invoice_id, amount::text as amount, applied_date::text as applied_date
        from payment_applications where payment_id = any(${ids}::bigint[]) order by id`,
  ]);
  const suggestionsOf = new Map(extra.map((e) => [e.id, e.suggestions ?? []]));
  const invoiceIds = [...new Set(extra.flatMap((e) => (e.suggestions ?? []).map((s) => Number(s.invoiceId))))].filter((n) => Number.isSafeInteger(n) && n > 0);
  const invoices = invoiceIds.length
    ? await sql<{ id: string; number: string; debtor_name: string; client_name: string; outstanding: string; currency: string; status: string }[]>`
        select i.id::text as id, i.number, d.name as debtor_name, c.name as client_name, i.outstanding::text as outstanding, i.currency, i.status
          from invoices i join debtors d on d.id = i.debtor_id join clients c on c.id = i.client_id where i.id = any(${invoiceIds}::bigint[])`
    : [];
  const invoiceOf = new Map(invoices.map((i) => [i.id, i]));
  const items: InboxPayment[] = page.items.map((p) => {
    const suggestions = suggestionsOf.get(p.id) ?? [];
    const open = suggestions.filter((s) => {
      const status = invoiceOf.get(s.invoiceId)?.status;
      return status === 'funded' || status === 'disputed';
    });
    const { debtorName: _debtorName, ...summary } = p;
    return {
      ...summary,
      suggestions,
      applications: apps
        .filter((a) => a.payment_id === p.id)
        .map((a) => ({ invoiceId: a.invoice_id, amount: moneyOut(a.amount, p.currency), date: a.applied_date })),
      candidates: open.map((s) => {
        const i = invoiceOf.get(s.invoiceId)!;
        return {
          invoiceId: s.invoiceId,
          number: i.number,
          debtorName: i.debtor_name,
          clientName: i.client_name,
          outstanding: moneyOut(i.outstanding, i.currency),
          amount: s.amount,
          confidence: s.confidence,
          reason: s.reason ?? '',
        };
      }),
    };
  });
  return { ...page, items };
}

export interface InboxSummary {
  payments: number;
  withSuggestions: number;
  unapplied: { currency: string; amount: string }[];
}

/** The inbox's figures over the whole queue (not one page): how many, how many with suggestions, the cash left per currency. */
export async function inboxSummary(db: Database | Tx): Promise<InboxSummary> {
  const rows = await db.sql<{ currency: string; n: number; suggested: number; unapplied: string }[]>`
    select p.currency, count(*)::int as n, count(*) filter (where p.suggestions <> '[]'::jsonb)::int as suggested, sum(p.unapplied)::text as unapplied
      from payments p where ${inbox(db.sql)}
     group by p.currency order by p.currency`;
  return {
    payments: rows.reduce((n, r) => n + r.n, 0),
    withSuggestions: rows.reduce((n, r) => n + r.suggested, 0),
    unapplied: rows.map((r) => ({ currency: r.currency, amount: moneyOut(r.unapplied, r.currency) })),
  };
}

import { bigint, char, index, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Issue 13 (migration 0018): the invoices list's exact totals, kept by statement-level triggers
 * on invoices (invoice_counts_after). Each row is a net change of one statement (or several folded
 * together by invoice_counts_fold); a count is the sum of its key's rows. Never updated in place,
 * so two transactions never wait on a shared counter.
 */
export const invoiceStatusCounts = pgTable(
  'invoice_status_counts',
  {
    status: text('status').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [index('invoice_status_counts_idx').on(t.status, t.currency)],
);

export const invoiceClientCounts = pgTable(
  'invoice_client_counts',
  {
    clientId: bigint('client_id', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [index('invoice_client_counts_idx').on(t.clientId, t.status)],
);

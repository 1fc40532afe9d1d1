import { sql } from 'drizzle-orm';
import { bigint, char, check, date, numeric, pgTable, smallint, text, unique } from 'drizzle-orm/pg-core';

/**
 * Issue 13: kept roll-ups of the invoices for the dashboard and the aging report (migration 0021;
 * lib/reports/rollups.ts). `grain` says what a row is keyed by and counts (ROLLUP_GRAIN):
 * 1 (currency, issue date) and 2 (debtor `ref_id`, currency) count open invoices (2 also the
 * invoices with a settled date and their days beyond terms); 3 (status,
 * currency) every invoice; 4 (debtor, currency, issue date), 5 (client, currency, issue date) and
 * 6 (client, currency) the open invoices still owing. Folded from invoice_rollup_deltas.
 */
export const invoiceRollups = pgTable(
  'invoice_rollups',
  {
    grain: smallint('grain').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** the debtor (grains 2, 4) or the client (5, 6) */
    refId: bigint('ref_id', { mode: 'number' }),
    issueDate: date('issue_date', { mode: 'string' }),
    status: text('status'),
    invoices: bigint('invoices', { mode: 'number' }).notNull(),
    outstanding: numeric('outstanding', { precision: 24, scale: 4 }).notNull(),
    /** grain 2: invoices with a settled date (paid, charged back, written off) */
    settledInvoices: bigint('settled_invoices', { mode: 'number' }).notNull().default(0),
    /** grain 2: their settled_date − due_date, summed (a debtor's average days late) */
    daysBeyondTerms: bigint('days_beyond_terms', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    unique('invoice_rollups_key').on(t.grain, t.refId, t.currency, t.issueDate, t.status).nullsNotDistinct(),
    check('invoice_rollups_grain_check', sql`${t.grain} between 1 and 6`),
  ],
);

/**
 * Each statement's changes to invoices, aggregated per grain and appended by the trigger of
 * migration 0021 (no row lock, so parallel commands never wait on a hot row); the fold moves them
 * into invoice_rollups. Readers sum both in one statement.
 */
export const invoiceRollupDeltas = pgTable('invoice_rollup_deltas', {
  grain: smallint('grain').notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  refId: bigint('ref_id', { mode: 'number' }),
  issueDate: date('issue_date', { mode: 'string' }),
  status: text('status'),
  invoices: bigint('invoices', { mode: 'number' }).notNull(),
  outstanding: numeric('outstanding', { precision: 24, scale: 4 }).notNull(),
  settledInvoices: bigint('settled_invoices', { mode: 'number' }).notNull().default(0),
  daysBeyondTerms: bigint('days_beyond_terms', { mode: 'number' }).notNull().default(0),
});

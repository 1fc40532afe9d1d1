import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { debtors } from './clients';
import { money } from './columns';

/**
 * Issue 13: a merge of duplicate debtors (maker-checker: proposed here and in approval_requests,
 * kind `debtor_merge`, decided by someone else). On approval everything of `debtorId` moves to
 * `intoDebtorId` in one transaction and the merged debtor points at the survivor
 * (debtors.merged_into_id); `moved` counts what moved.
 */
export const debtorMerges = pgTable(
  'debtor_merges',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** the duplicate, merged away */
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    /** the survivor */
    intoDebtorId: bigint('into_debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    requestedBy: bigint('requested_by', { mode: 'number' }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decisionReason: text('decision_reason'),
    moved: jsonb('moved'),
  },
  (t) => [
    uniqueIndex('debtor_merges_one_pending')
      .on(t.debtorId)
      .where(sql`${t.status} = 'pending'`),
    index('debtor_merges_into_idx').on(t.intoDebtorId),
    check('debtor_merges_status_check', sql`${t.status} in ('pending','approved','rejected')`),
    check('debtor_merges_two_debtors', sql`${t.debtorId} <> ${t.intoDebtorId}`),
  ],
);

/**
 * Roll-up of migration 0019, written only by the `rollups` fold since 0022 (the triggers append to
 * debtor_exposure_deltas; readers read the view debtor_exposure_now, folded + pending): per debtor,
 * client and currency, every invoice counted; open (funded, disputed) invoices and what they still
 * owe; settled invoices with their days from issue and days beyond the due date; and for dilution,
 * what funded invoices were reduced by (face − outstanding; invoices charged back by recourse or
 * written off aside), the cash applied, and the face and cash of those charged back or written off.
 */
export const debtorExposure = pgTable(
  'debtor_exposure',
  {
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    clientId: bigint('client_id', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    invoices: integer('invoices').notNull().default(0),
    openInvoices: integer('open_invoices').notNull().default(0),
    exposure: money('exposure').notNull().default('0'),
    settledInvoices: integer('settled_invoices').notNull().default(0),
    settledDays: bigint('settled_days', { mode: 'number' }).notNull().default(0),
    settledDaysLate: bigint('settled_days_late', { mode: 'number' }).notNull().default(0),
    reduced: money('reduced').notNull().default('0'),
    collected: money('collected').notNull().default('0'),
    defaultedFace: money('defaulted_face').notNull().default('0'),
    defaultedCollected: money('defaulted_collected').notNull().default('0'),
  },
  (t) => [
    primaryKey({ name: 'debtor_exposure_pk', columns: [t.debtorId, t.clientId, t.currency] }),
    index('debtor_exposure_client_idx').on(t.clientId, t.debtorId),
  ],
);

/**
 * Migration 0022: what the invoices' and payment applications' triggers append (each statement's
 * net change per debtor, client and currency; no row is locked), moved into debtor_exposure by the
 * `rollups` fold. Readers read the view debtor_exposure_now (folded + pending).
 */
export const debtorExposureDeltas = pgTable('debtor_exposure_deltas', {
  debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
  clientId: bigint('client_id', { mode: 'number' }).notNull(),
  currency: char('currency', { length: 3 }).notNull(),
  invoices: integer('invoices').notNull().default(0),
  openInvoices: integer('open_invoices').notNull().default(0),
  exposure: money('exposure').notNull().default('0'),
  settledInvoices: integer('settled_invoices').notNull().default(0),
  settledDays: bigint('settled_days', { mode: 'number' }).notNull().default(0),
  settledDaysLate: bigint('settled_days_late', { mode: 'number' }).notNull().default(0),
  reduced: money('reduced').notNull().default('0'),
  collected: money('collected').notNull().default('0'),
  defaultedFace: money('defaulted_face').notNull().default('0'),
  defaultedCollected: money('defaulted_collected').notNull().default('0'),
});

/** Migration 0022: appended changes of debtor_open_due, folded by the `rollups` job (readers: debtor_open_due_now). */
export const debtorOpenDueDeltas = pgTable('debtor_open_due_deltas', {
  debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
  dueDate: date('due_date', { mode: 'string' }).notNull(),
  openInvoices: integer('open_invoices').notNull(),
});

/** Roll-up (migration 0019; appended by triggers and folded since 0022): a debtor's open invoices by due date. */
export const debtorOpenDue = pgTable(
  'debtor_open_due',
  {
    debtorId: bigint('debtor_id', { mode: 'number' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    openInvoices: integer('open_invoices').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'debtor_open_due_pk', columns: [t.debtorId, t.dueDate] })],
);

/**
 * Roll-up, one row per debtor: the debtors list's sort keys, recomputed by the `rollups` fold for the
 * debtors it touched (migration 0022; readers read the view debtor_figures_now, which recomputes the
 * few debtors with pending deltas). `exposure` is the largest open exposure in any one currency;
 * `exposures` each currency's.
 */
export const debtorFigures = pgTable(
  'debtor_figures',
  {
    debtorId: bigint('debtor_id', { mode: 'number' })
      .primaryKey()
      .references(() => debtors.id),
    invoices: integer('invoices').notNull().default(0),
    openInvoices: integer('open_invoices').notNull().default(0),
    exposure: money('exposure').notNull().default('0'),
    exposures: jsonb('exposures').$type<Record<string, string>>().notNull().default({}),
  },
  (t) => [index('debtor_figures_exposure_idx').on(t.exposure, t.debtorId), index('debtor_figures_open_idx').on(t.openInvoices, t.debtorId)],
);

/**
 * Issue 13 (migration 0019): the clients list's sort keys — each client's reserve and receivable
 * balances per currency, mirrored from ledger_accounts.balance by a row trigger (debit positive,
 * as there), with a zero row for its home currency from the day it is created.
 */
export const clientListBalances = pgTable(
  'client_list_balances',
  {
    clientId: bigint('client_id', { mode: 'number' }).notNull(),
    code: text('code', { enum: ['reserve', 'receivable'] }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    balance: money('balance').notNull().default('0'),
  },
  (t) => [
    primaryKey({ name: 'client_list_balances_pk', columns: [t.clientId, t.code, t.currency] }),
    index('client_list_balances_reserve_idx')
      .on(sql`(- ${t.balance})`, t.clientId)
      .where(sql`${t.code} = 'reserve'`),
    index('client_list_balances_receivable_idx')
      .on(t.balance, t.clientId)
      .where(sql`${t.code} = 'receivable'`),
    check('client_list_balances_code_check', sql`${t.code} in ('reserve', 'receivable')`),
  ],
);

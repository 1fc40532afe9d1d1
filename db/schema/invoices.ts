import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, date, index, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { clients, debtors } from './clients';

export const INVOICE_STATUSES = ['submitted', 'verified', 'funded', 'disputed', 'settled', 'charged_back', 'written_off'] as const;

export const invoices = pgTable(
  'invoices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    number: text('number').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    faceValue: money('face_value').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('submitted'),
    fundingDate: date('funding_date', { mode: 'string' }),
    settledDate: date('settled_date', { mode: 'string' }),
    /** What the funding paid out and held back, as posted (SPEC 5.1). */
    advance: money('advance'),
    reserve: money('reserve'),
    fees: money('fees'),
    /**
     * What the debtor still owes, kept beside the ledger for set-based limit, aging and accrual
     * queries; audit:verify proves it equals the invoice's receivable sub-ledger.
     */
    outstanding: money('outstanding'),
    fundingBatchId: bigint('funding_batch_id', { mode: 'number' }),
    /** the agreement version the invoice was funded under (its fee schedule and terms) */
    agreementId: bigint('agreement_id', { mode: 'number' }),
    /** `reverse` agreements: the debtor's approval of this invoice, recorded before funding. */
    debtorApprovedDate: date('debtor_approved_date', { mode: 'string' }),
    verifiedBy: bigint('verified_by', { mode: 'number' }),
    verifiedAt: timestamp('verified_at', { withTimezone: true, mode: 'date' }),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    // SPEC 5.1: a duplicate number per client–debtor is refused.
    unique('invoices_client_debtor_number').on(t.clientId, t.debtorId, t.number),
    index('invoices_client_status_idx').on(t.clientId, t.status),
    index('invoices_debtor_status_idx').on(t.debtorId, t.status),
    // Issue 13, the invoices list (migration 0018): each sort key as (expression, id, status, currency), for keyset pages
    index('invoices_status_id_idx').on(t.status, t.id),
    index('invoices_client_id_idx').on(t.clientId, t.id),
    index('invoices_currency_id_idx').on(t.currency, t.id),
    index('invoices_open_id_idx')
      .on(t.id)
      .where(sql`${t.status} between 'disputed' and 'funded'`),
    // the list's sort by number, and (migration 0022) payment matching's and the invoice pickers' look-ups by upper(number) collate "C"
    index('invoices_number_sort_idx').on(sql`(upper(${t.number})) collate "C"`, t.id, t.status, t.currency),
    index('invoices_face_value_idx').on(t.faceValue, t.id, t.status, t.currency),
    index('invoices_outstanding_idx').on(sql`(coalesce(${t.outstanding}, ${t.faceValue}))`, t.id, t.status, t.currency),
    index('invoices_issue_date_idx').on(t.issueDate, t.id, t.status, t.currency),
    index('invoices_due_date_idx').on(t.dueDate, t.id, t.status, t.currency),
    index('invoices_funding_date_idx').on(sql`(coalesce(${t.fundingDate}, '0001-01-01'::date))`, t.id, t.status, t.currency),
    // search (lib/search, migration 0017): search_key(number) exact and prefix, per client, and contains
    index('invoices_search_key_idx').using('btree', sql`search_key(${t.number}) text_pattern_ops`),
    index('invoices_client_search_key_idx').using('btree', t.clientId, sql`search_key(${t.number}) text_pattern_ops`),
    index('invoices_search_trgm_idx').using('gin', sql`search_key(${t.number}) gin_trgm_ops`),
    check('invoices_face_positive', sql`${t.faceValue} > 0`),
    check('invoices_status_check', sql`${t.status} in ('submitted','verified','funded','disputed','settled','charged_back','written_off')`),
  ],
);

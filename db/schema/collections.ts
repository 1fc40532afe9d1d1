import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, date, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { clients, debtors } from './clients';
import { invoices } from './invoices';

/**
 * A payment received (SPEC 5.2): into unapplied cash, then applied to invoices. `unapplied` is
 * what is left to apply, kept beside the ledger (audit:verify proves the sum) and guarded by the
 * payment's row lock, so two collectors can never apply the same money twice.
 */
export const payments = pgTable(
  'payments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    currency: char('currency', { length: 3 }).notNull(),
    amount: money('amount').notNull(),
    unapplied: money('unapplied').notNull(),
    receivedDate: date('received_date', { mode: 'string' }).notNull(),
    payerName: text('payer_name').notNull().default(''),
    reference: text('reference').notNull().default(''),
    /** a bank file's own key for the transaction: importing a file twice adds nothing */
    externalRef: text('external_ref').unique(),
    source: text('source', { enum: ['manual', 'api', 'import', 'misdirected'] }).notNull(),
    status: text('status', { enum: ['unapplied', 'partially_applied', 'applied', 'refunded'] })
      .notNull()
      .default('unapplied'),
    /** the debtor the payer was identified as (by a confirmed match) */
    debtorId: bigint('debtor_id', { mode: 'number' }).references(() => debtors.id),
    /** matching suggestions computed on receipt, shown in the inbox */
    suggestions: jsonb('suggestions').notNull().default([]),
    /**
     * issue 15 (0033): why a payment of a bank file was not applied on import ("invoice NW-1001 was
     * funded on 2026-02-01, after this payment came in"), said in the inbox; null when nothing is to say
     */
    unappliedReason: text('unapplied_reason'),
    importId: text('import_id'),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_open_idx')
      .on(t.status, t.receivedDate)
      .where(sql`${t.status} in ('unapplied', 'partially_applied')`),
    // issue 13 (0020_lists): the payments list's sorts, its common filters by date, and the inbox oldest first
    index('payments_received_idx').on(t.receivedDate, t.id),
    index('payments_amount_idx').on(t.amount, t.id),
    index('payments_status_id_idx').on(t.status, t.id),
    index('payments_status_received_idx').on(t.status, t.receivedDate, t.id),
    index('payments_debtor_received_idx').on(t.debtorId, t.receivedDate, t.id),
    index('payments_currency_received_idx').on(t.currency, t.receivedDate, t.id),
    index('payments_inbox_idx')
      .on(t.receivedDate, t.id)
      .where(sql`${t.status} in ('unapplied', 'partially_applied') and ${t.unapplied} > 0`),
    // search (lib/search, migration 0017): by reference or payer, exact and prefix newest first, and contains
    index('payments_reference_key_idx').using('btree', sql`left(search_key(${t.reference}), 100) text_pattern_ops`, t.id.desc()),
    index('payments_reference_trgm_idx').using('gin', sql`search_key(${t.reference}) gin_trgm_ops`),
    index('payments_payer_key_idx').using('btree', sql`search_key(${t.payerName}) text_pattern_ops`, t.id.desc()),
    index('payments_payer_trgm_idx').using('gin', sql`search_key(${t.payerName}) gin_trgm_ops`),
    check('payments_amount_positive', sql`${t.amount} > 0`),
    check('payments_unapplied_range', sql`${t.unapplied} >= 0 and ${t.unapplied} <= ${t.amount}`),
  ],
);

export const paymentApplications = pgTable(
  'payment_applications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    paymentId: bigint('payment_id', { mode: 'number' })
      .notNull()
      .references(() => payments.id),
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .notNull()
      .references(() => invoices.id),
    amount: money('amount').notNull(),
    appliedDate: date('applied_date', { mode: 'string' }).notNull(),
    entryId: bigint('entry_id', { mode: 'number' }),
    /**
     * issue 15 (0033): the invoice's client, debtor and currency, kept on the application so the
     * cash receipts journal (lib/collections/cash-receipts.ts) filters and sorts through an index of
     * its own; a debtor merge moves them with the invoices (lib/debtors/merge.ts)
     */
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    currency: char('currency', { length: 3 }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('payment_applications_payment_idx').on(t.paymentId),
    index('payment_applications_invoice_idx').on(t.invoiceId),
    // the cash receipts journal: by date (the default, newest first) and amount, and a client's,
    // a debtor's or a currency's receipts by date
    index('payment_applications_date_idx').on(t.appliedDate, t.id),
    index('payment_applications_amount_idx').on(t.amount, t.id),
    index('payment_applications_client_date_idx').on(t.clientId, t.appliedDate, t.id),
    index('payment_applications_debtor_date_idx').on(t.debtorId, t.appliedDate, t.id),
    index('payment_applications_currency_date_idx').on(t.currency, t.appliedDate, t.id),
  ],
);

/**
 * Issue 15 item 6: a bank's CSV layout saved under a name (lib/collections/bank-profiles.ts) — which
 * column is the date, the amount, the reference, the payer, the currency or one fixed currency, how
 * dates and amounts are written — so the bank's next file imports without mapping it again.
 */
export const bankProfiles = pgTable(
  'bank_profiles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    /** a BankCsvMapping (lib/collections/bank-files/mapping.ts), checked by bankCsvMappingSchema on every write */
    mapping: jsonb('mapping').notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
    updatedBy: bigint('updated_by', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }),
  },
  // one profile per name, in any case ("Chase" and "chase" are the same bank)
  (t) => [uniqueIndex('bank_profiles_name_key').using('btree', sql`lower(${t.name})`)],
);

/** Payer names learned per debtor when a collector confirms a match (normalised). */
export const payerAliases = pgTable(
  'payer_aliases',
  {
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    name: text('name').notNull(),
    learnedFrom: bigint('learned_from', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.debtorId, t.name] }), index('payer_aliases_name_idx').on(t.name)],
);

/** A disputed invoice (SPEC 5.2): held, its reserve locked from release until resolved. */
export const disputes = pgTable(
  'disputes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .notNull()
      .references(() => invoices.id),
    amount: money('amount').notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'resolved'] })
      .notNull()
      .default('open'),
    outcome: text('outcome', { enum: ['paid', 'credit_note', 'chargeback'] }),
    resolvedAmount: money('resolved_amount'),
    openedDate: date('opened_date', { mode: 'string' }).notNull(),
    resolvedDate: date('resolved_date', { mode: 'string' }),
    openedBy: bigint('opened_by', { mode: 'number' }),
    resolvedBy: bigint('resolved_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('disputes_one_open')
      .on(t.invoiceId)
      .where(sql`${t.status} = 'open'`),
    // every dispute of an invoice (the risk-scores job, dispute lookups), resolved ones too
    index('disputes_invoice_id_idx').on(t.invoiceId),
  ],
);

/** The debtor paid the client instead of the factor: tracked until the client remits it. */
export const misdirectedPayments = pgTable('misdirected_payments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  clientId: bigint('client_id', { mode: 'number' })
    .notNull()
    .references(() => clients.id),
  debtorId: bigint('debtor_id', { mode: 'number' })
    .notNull()
    .references(() => debtors.id),
  currency: char('currency', { length: 3 }).notNull(),
  amount: money('amount').notNull(),
  paidDate: date('paid_date', { mode: 'string' }).notNull(),
  invoiceIds: jsonb('invoice_ids').$type<string[]>().notNull().default([]),
  note: text('note').notNull().default(''),
  status: text('status', { enum: ['open', 'remitted'] })
    .notNull()
    .default('open'),
  remittedPaymentId: bigint('remitted_payment_id', { mode: 'number' }),
  remittedDate: date('remitted_date', { mode: 'string' }),
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }),
});

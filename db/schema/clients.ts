import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { createdAt, money, rate } from './columns';

export interface ClientContact {
  name: string;
  email: string;
  /** monthly statement-ready emails (default yes) */
  notifyStatements?: boolean;
  /** rebate advice emails when a release is paid (default yes) */
  notifyRebates?: boolean;
}

/**
 * Where the client's rebates are paid: a US bank account (ABA routing and account number: the
 * NACHA payout file's receiving account) or, issue 14, an IBAN account (pain.001 credit transfer).
 * Accounts stored before issue 14 carry no `kind`: they are ABA accounts.
 */
export type PayoutAccount = AbaPayoutAccount | IbanPayoutAccount;

export interface AbaPayoutAccount {
  kind?: 'aba';
  holderName: string;
  routing: string;
  account: string;
  accountType: 'checking' | 'savings';
  /** issue 14: an IBAN account (EUR, SEPA or not) is paid by pain.001; with it, routing and account may be empty */
  iban?: string;
  bic?: string;
}

/** issue 14: why a client's payout account was flagged (a bank return that points at the account). */
export interface PayoutAccountFlag {
  code: string;
  title: string;
  reason: string;
  releaseId: string;
  date: string;
}

export interface IbanPayoutAccount {
  kind: 'iban';
  holderName: string;
  /** electronic form: capitals and digits, no spaces */
  iban: string;
  bic: string;
}

export const CLIENT_STATUSES = ['prospect', 'pending_review', 'active', 'suspended', 'closed'] as const;

export const clients = pgTable(
  'clients',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    /** Home currency (SPEC 2). */
    currency: char('currency', { length: 3 }).notNull(),
    status: text('status', { enum: CLIENT_STATUSES }).notNull().default('prospect'),
    /** KYB checklist: item → { done, by, at }. */
    kyb: jsonb('kyb').notNull().default({}),
    /** Who hears from the factor; each contact may opt out of statement and rebate emails (absent = yes). */
    contacts: jsonb('contacts').$type<ClientContact[]>().notNull().default([]),
    /** The bank account rebates are paid to; null until one is recorded. Changed only through an approved payout_account_changes request. */
    payoutAccount: jsonb('payout_account').$type<PayoutAccount>(),
    /**
     * issue 14: set by a payout return whose code points at the account (lib/payouts/returns.ts);
     * the client's releases wait out of payout batches until the account is set again.
     */
    payoutAccountFlag: jsonb('payout_account_flag').$type<PayoutAccountFlag>(),
    /** Onboarding (SPEC 2): who submitted the client for review, and who reviewed it. */
    submittedBy: bigint('submitted_by', { mode: 'number' }),
    reviewedBy: bigint('reviewed_by', { mode: 'number' }),
    statusReason: text('status_reason'),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    check('clients_status_check', sql`${t.status} in ('prospect','pending_review','active','suspended','closed')`),
    // Issue 13 (0018): the invoices list sorted by client name
    index('clients_name_id_idx').on(t.name, t.id),
    // search (lib/search, migration 0017)
    index('clients_search_key_idx').using('btree', sql`search_key(${t.name}) text_pattern_ops`),
    index('clients_search_trgm_idx').using('gin', sql`search_key(${t.name}) gin_trgm_ops`),
  ],
);

export const AGREEMENT_MODELS = ['recourse', 'non_recourse', 'invoice_discounting', 'reverse', 'export'] as const;

/**
 * Agreement versions (SPEC 2): effective-dated; a change is a new version, never an edit of
 * an approved one. `terms` holds every field as validated by lib/agreements; the columns beside
 * it are the ones set-based SQL reads.
 */
export const agreements = pgTable(
  'agreements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    version: integer('version').notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['pending_approval', 'approved', 'rejected'] }).notNull(),
    model: text('model', { enum: AGREEMENT_MODELS }).notNull(),
    advanceRate: rate('advance_rate').notNull(),
    reserveRate: rate('reserve_rate').notNull(),
    creditLimit: money('credit_limit').notNull(),
    concentrationLimit: rate('concentration_limit').notNull(),
    terms: jsonb('terms').notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    approvedBy: bigint('approved_by', { mode: 'number' }),
    approvedAt: timestamp('approved_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [unique('agreements_client_version').on(t.clientId, t.version)],
);

/** Notice of assignment per client–debtor pair (SPEC 2). */
export const clientDebtors = pgTable(
  'client_debtors',
  {
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    noaSentDate: date('noa_sent_date', { mode: 'string' }),
    noaAcknowledgedDate: date('noa_acknowledged_date', { mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.debtorId] })],
);

export const debtors = pgTable(
  'debtors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    creditLimit: money('credit_limit').notNull(),
    riskRating: text('risk_rating').notNull().default('unrated'),
    /** Issue 13: a duplicate merged into another debtor points at it (debtors are never deleted). */
    mergedIntoId: bigint('merged_into_id', { mode: 'number' }).references((): AnyPgColumn => debtors.id),
    mergedAt: timestamp('merged_at', { withTimezone: true, mode: 'date' }),
    /** Issue 15 (0032): the debtor's accounts-payable contact — where statements and reminders are emailed (none: nothing is sent). */
    apEmail: text('ap_email'),
    apName: text('ap_name'),
    createdAt: createdAt(),
  },
  (t) => [
    check('debtors_not_merged_into_itself', sql`${t.mergedIntoId} is null or ${t.mergedIntoId} <> ${t.id}`),
    // Issue 13 (0018): the invoices list sorted by debtor name
    index('debtors_name_id_idx').on(t.name, t.id),
    // search (lib/search, migration 0017)
    index('debtors_search_key_idx').using('btree', sql`search_key(${t.name}) text_pattern_ops`),
    index('debtors_search_trgm_idx').using('gin', sql`search_key(${t.name}) gin_trgm_ops`),
  ],
);

export const PAYOUT_ACCOUNT_CHANGE_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;

/**
 * Issue 14 (migration 0028): a change of a client's payout account, four-eyes — it takes effect
 * (clients.payout_account) only when someone other than its requester approves it. One pending
 * per client; while it waits the client's releases wait too (lib/clients/payout-changes.ts).
 */
export const payoutAccountChanges = pgTable(
  'payout_account_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    /** the account as it will be stored in clients.payout_account (never shown unmasked) */
    proposed: jsonb('proposed').$type<PayoutAccount>().notNull(),
    status: text('status', { enum: PAYOUT_ACCOUNT_CHANGE_STATUSES }).notNull().default('pending'),
    requestedBy: bigint('requested_by', { mode: 'number' }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    /** why it was rejected or cancelled */
    reason: text('reason'),
  },
  (t) => [
    uniqueIndex('payout_account_changes_one_pending')
      .on(t.clientId)
      .where(sql`${t.status} = 'pending'`),
    index('payout_account_changes_client_idx').on(t.clientId, t.id),
    check('payout_account_changes_status_check', sql`${t.status} in ('pending','approved','rejected','cancelled')`),
    check('payout_account_changes_decided_check', sql`(${t.status} = 'pending') = (${t.decidedAt} is null)`),
    check('payout_account_changes_proposed_check', sql`jsonb_typeof(${t.proposed}) = 'object'`),
  ],
);

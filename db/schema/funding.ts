import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, char, check, date, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, money, rate } from './columns';
import { clients, debtors } from './clients';
import { invoices } from './invoices';

export interface Hold {
  code: string;
  message: string;
  details?: Record<string, string>;
}

/**
 * A funding batch (SPEC 5.1): the verified invoices of one client funded together in one
 * transaction, or held for approval with the reasons (`holds`); nothing is posted before that.
 */
export const fundingBatches = pgTable(
  'funding_batches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    fundingDate: date('funding_date', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['pending_approval', 'funded', 'rejected'] }).notNull(),
    holds: jsonb('holds').$type<Hold[]>().notNull().default([]),
    warnings: jsonb('warnings').$type<Hold[]>().notNull().default([]),
    currency: char('currency', { length: 3 }).notNull(),
    totalFace: money('total_face').notNull(),
    totalAdvance: money('total_advance').notNull(),
    totalReserve: money('total_reserve').notNull(),
    totalFees: money('total_fees').notNull(),
    /** percent_of_open: the whole reserve the policy required after this funding */
    requiredReserve: money('required_reserve'),
    requestedBy: bigint('requested_by', { mode: 'number' }).notNull(),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('funding_batches_status_idx').on(t.status, t.createdAt),
    // issue 13 (0020_lists): the fundings list's sorts and its filters by date
    index('funding_batches_date_idx').on(t.fundingDate, t.id),
    index('funding_batches_total_idx').on(t.totalFace, t.id),
    index('funding_batches_status_id_idx').on(t.status, t.id),
    index('funding_batches_status_date_idx').on(t.status, t.fundingDate, t.id),
    index('funding_batches_client_date_idx').on(t.clientId, t.fundingDate, t.id),
    check('funding_batches_status_check', sql`${t.status} in ('pending_approval','funded','rejected')`),
  ],
);

export const fundingBatchInvoices = pgTable(
  'funding_batch_invoices',
  {
    batchId: bigint('batch_id', { mode: 'number' })
      .notNull()
      .references(() => fundingBatches.id),
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .notNull()
      .references(() => invoices.id),
    face: money('face').notNull(),
    advance: money('advance').notNull(),
    /** the invoice's own reserve */
    reserve: money('reserve').notNull(),
    /** fixed policy: what this invoice built into the client's fixed reserve, on top of its own */
    fixedBuild: money('fixed_build').notNull().default('0'),
    fees: money('fees').notNull(),
    /** false once the batch is rejected: an invoice is in at most one live batch */
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.invoiceId] }),
    uniqueIndex('funding_batch_invoices_live')
      .on(t.invoiceId)
      .where(sql`${t.active}`),
  ],
);

/**
 * Reserve tranches (SPEC 5.4): what rolling and capped policies withhold per funding, maturing
 * `holdDays` later, and what a fixed policy builds toward its target (no maturity).
 */
export const reserveTranches = pgTable(
  'reserve_tranches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    currency: char('currency', { length: 3 }).notNull(),
    kind: text('kind', { enum: ['rolling', 'capped', 'fixed'] }).notNull(),
    fundingBatchId: bigint('funding_batch_id', { mode: 'number' }).references(() => fundingBatches.id),
    invoiceId: bigint('invoice_id', { mode: 'number' }).references(() => invoices.id),
    fundedOn: date('funded_on', { mode: 'string' }).notNull(),
    maturesOn: date('matures_on', { mode: 'string' }),
    amount: money('amount').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('reserve_tranches_client_idx').on(t.clientId, t.currency, t.maturesOn)],
);

/**
 * The maker-checker queue shared by fundings, agreement changes, releases and adjustments
 * (STYLE lib/approvals): whoever requested never decides.
 */
export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: ['funding_batch', 'agreement_change', 'client_activation', 'release', 'adjustment', 'debtor_merge'] }).notNull(),
    targetId: bigint('target_id', { mode: 'number' }).notNull(),
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    summary: text('summary').notNull(),
    details: jsonb('details').notNull().default({}),
    requestedBy: bigint('requested_by', { mode: 'number' }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    reason: text('reason'),
  },
  (t) => [
    index('approval_requests_status_idx').on(t.status, t.kind),
    uniqueIndex('approval_requests_one_pending')
      .on(t.kind, t.targetId)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** Concentration alerts (SPEC 7): opened when a debtor's share crosses 90% of a limit or the limit. */
export const concentrationAlerts = pgTable(
  'concentration_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    scope: text('scope', { enum: ['client', 'portfolio'] }).notNull(),
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    currency: char('currency', { length: 3 }).notNull(),
    level: text('level', { enum: ['near', 'breach'] }).notNull(),
    share: rate('share').notNull(),
    limit: rate('limit').notNull(),
    exposure: money('exposure').notNull(),
    status: text('status', { enum: ['open', 'resolved'] })
      .notNull()
      .default('open'),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('concentration_alerts_one_open')
      .on(t.scope, sql`coalesce(${t.clientId}, 0)`, t.debtorId, t.currency, t.level)
      .where(sql`${t.status} = 'open'`),
    // issue 13 (0020_lists): the alerts list's sorts and its filters by when raised
    index('concentration_alerts_opened_idx').on(t.openedAt, t.id),
    index('concentration_alerts_share_idx').on(t.share, t.id),
    index('concentration_alerts_status_opened_idx').on(t.status, t.openedAt, t.id),
    index('concentration_alerts_client_opened_idx').on(t.clientId, t.openedAt, t.id),
    index('concentration_alerts_debtor_opened_idx').on(t.debtorId, t.openedAt, t.id),
  ],
);

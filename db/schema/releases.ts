import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { clients } from './clients';

/** A release cycle (SPEC 5.3): one batch of releases for the clients due on a business date. */
export const releaseCycles = pgTable(
  'release_cycles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    kind: text('kind', { enum: ['scheduled', 'ad_hoc'] }).notNull(),
    status: text('status', { enum: ['running', 'completed', 'failed'] })
      .notNull()
      .default('running'),
    /** what was asked: the client ids named (null: every client due), so a failed cycle can be resumed as it was */
    requestedClientIds: jsonb('requested_client_ids'),
    /** touched by the run as it goes: a `running` cycle whose heartbeat stopped has crashed */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }),
    error: text('error'),
    clientsDue: integer('clients_due').notNull().default(0),
    clientsDone: integer('clients_done').notNull().default(0),
    totals: jsonb('totals').notNull().default({}),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  // issue 13 (0020_lists): the cycles list by as-of date
  (t) => [index('release_cycles_as_of_idx').on(t.asOf, t.id)],
);

/**
 * One client's release in one currency on one date: proposed by a cycle, approved (maker ≠
 * checker; above the threshold a controller too), posted and paid, or rejected. Unique per
 * client, currency and date: a cycle run twice never proposes twice.
 */
export const releases = pgTable(
  'releases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** the cycle that proposed it; null for an escrow release (requested by a person, issue 16) */
    cycleId: bigint('cycle_id', { mode: 'number' }).references(() => releaseCycles.id),
    /**
     * Issue 16 item 3: `reserve` (a rebate: reserve → client payable) or `escrow` (the client's
     * escrow paid back: escrow → client payable, lib/releases/escrow.ts). Both are approved and
     * paid the same way.
     */
    kind: text('kind', { enum: ['reserve', 'escrow'] })
      .notNull()
      .default('reserve'),
    /**
     * Issue 16 item 3: of a reserve release under an escrow policy, the share credited to the
     * client's escrow instead of its payable; `approved_amount` is what goes to the payable (and
     * is paid), so the reserve released is approved_amount + escrow_amount.
     */
    escrowAmount: money('escrow_amount').notNull().default('0'),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    currency: char('currency', { length: 3 }).notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** what the cycle found releasable */
    amount: money('amount').notNull(),
    /** what was approved and paid (a partial approval leaves the rest for the next cycle) */
    approvedAmount: money('approved_amount'),
    /**
     * SPEC 5.3 (issue 14): pending_approval → approved (reserve → client payable) → in_batch (in a
     * live payout batch) → sent (client payable → cash in transit) → paid (settled: → cash);
     * returned (back in client payable, to be paid in a later batch); rejected; nothing_due.
     */
    status: text('status', { enum: ['nothing_due', 'pending_approval', 'approved', 'in_batch', 'sent', 'paid', 'returned', 'rejected'] }).notNull(),
    /** the risk tier's release mode at proposal: automatic | review | manual */
    releaseMode: text('release_mode').notNull().default('automatic'),
    breakdown: jsonb('breakdown').notNull().default({}),
    firstApprovedBy: bigint('first_approved_by', { mode: 'number' }),
    secondApprovedBy: bigint('second_approved_by', { mode: 'number' }),
    needsController: text('needs_controller', { enum: ['yes', 'no'] })
      .notNull()
      .default('no'),
    decidedBy: bigint('decided_by', { mode: 'number' }),
    reason: text('reason'),
    entryId: bigint('entry_id', { mode: 'number' }),
    /** when its payout was settled (status paid) */
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }),
    /** issue 14: the live payout batch it is in (null when approved or returned and not yet batched again) */
    batchId: bigint('batch_id', { mode: 'number' }),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('releases_client_currency_date')
      .on(t.clientId, t.currency, t.asOf)
      .where(sql`${t.kind} = 'reserve'`),
    // SPEC 5.3 / issue 11: at most one open proposal per client and currency. Issue 16: escrow
    // releases are not in it (closing a client requests the rest beside a person's pending one).
    uniqueIndex('releases_one_open_per_client_currency')
      .on(t.clientId, t.currency, t.kind)
      .where(sql`${t.status} = 'pending_approval' and ${t.kind} = 'reserve'`),
    check('releases_kind_check', sql`${t.kind} in ('reserve','escrow') and (${t.kind} = 'escrow' or ${t.cycleId} is not null)`),
    index('releases_status_idx')
      .on(t.status)
      .where(sql`${t.status} = 'pending_approval'`),
    index('releases_cycle_idx').on(t.cycleId),
    // issue 13 (0020_lists): the releases list's sorts, and a status's (the approvals queue) and a client's by date
    index('releases_as_of_idx').on(t.asOf, t.id),
    index('releases_amount_idx').on(t.amount, t.id),
    index('releases_status_id_idx').on(t.status, t.id),
    index('releases_status_as_of_idx').on(t.status, t.asOf, t.id),
    index('releases_client_as_of_idx').on(t.clientId, t.asOf, t.id),
    // issue 14 (0027): what a payout batch may take — approved or returned, per currency
    index('releases_payable_idx')
      .on(t.currency, t.id)
      .where(sql`${t.status} in ('approved', 'returned')`),
  ],
);

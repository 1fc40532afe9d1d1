import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, date, index, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { clients, debtors } from './clients';
import { invoices } from './invoices';
import { users } from './users';

/**
 * Issue 16 item 4: a limit per client–debtor pair and currency, beside the debtor's credit limit
 * and the client's (SPEC 5.1). Append-only history (migration 0037): each change is a new row
 * naming who set it, when and why; the pair's limit is its latest row (`limit` null: removed).
 */
export const clientDebtorLimits = pgTable(
  'client_debtor_limits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    currency: char('currency', { length: 3 }).notNull(),
    limit: money('limit'),
    reason: text('reason'),
    setBy: bigint('set_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    // the pair's latest row (funding's check), and its history newest first
    index('client_debtor_limits_pair_idx').on(t.clientId, t.debtorId, t.currency, t.id),
    check('client_debtor_limits_positive', sql`${t.limit} is null or ${t.limit} >= 0`),
  ],
);

/**
 * An approver's authorised override of a pair's limit: exposure up to `limit` is allowed for
 * fundings dated on or before `until` (the override then expires). Append-only.
 */
export const clientDebtorLimitOverrides = pgTable(
  'client_debtor_limit_overrides',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: bigint('client_id', { mode: 'number' })
      .notNull()
      .references(() => clients.id),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    currency: char('currency', { length: 3 }).notNull(),
    limit: money('limit').notNull(),
    until: date('until', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    grantedBy: bigint('granted_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('client_debtor_limit_overrides_pair_idx').on(t.clientId, t.debtorId, t.currency, t.until),
    check('client_debtor_limit_overrides_positive', sql`${t.limit} > 0`),
  ],
);

/**
 * An override revoked before its `until` (migration 0041): one row per override, who and why;
 * from its insert on, funding no longer counts the override. Append-only, like the overrides.
 */
export const clientDebtorLimitOverrideRevocations = pgTable(
  'client_debtor_limit_override_revocations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    overrideId: bigint('override_id', { mode: 'number' })
      .notNull()
      .references(() => clientDebtorLimitOverrides.id),
    reason: text('reason').notNull(),
    revokedBy: bigint('revoked_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [unique('client_debtor_limit_override_revocations_override').on(t.overrideId)],
);

export const INVOICE_FLAG_KINDS = ['duplicate_amount_date', 'number_reused', 'future_issue_date', 'issued_after_funding', 'new_debtor'] as const;
export type InvoiceFlagKind = (typeof INVOICE_FLAG_KINDS)[number];

/**
 * Issue 16 item 5: intake flags — likely duplicates and fraud signs found at entry, import or
 * funding. One per invoice and kind; an open flag holds the invoice's funding until someone
 * clears it with a reason. Cleared once (migration 0037's trigger), never deleted.
 */
export const invoiceFlags = pgTable(
  'invoice_flags',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .notNull()
      .references(() => invoices.id),
    kind: text('kind', { enum: INVOICE_FLAG_KINDS }).notNull(),
    detail: text('detail').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    clearedBy: bigint('cleared_by', { mode: 'number' }).references(() => users.id),
    clearedAt: timestamp('cleared_at', { withTimezone: true, mode: 'date' }),
    clearedReason: text('cleared_reason'),
  },
  (t) => [
    unique('invoice_flags_invoice_kind').on(t.invoiceId, t.kind),
    index('invoice_flags_open_idx')
      .on(t.invoiceId)
      .where(sql`${t.clearedAt} is null`),
    check('invoice_flags_cleared_whole', sql`(${t.clearedAt} is null) = (${t.clearedBy} is null) and (${t.clearedAt} is null) = (${t.clearedReason} is null)`),
    check('invoice_flags_kind_check', sql`${t.kind} in ('duplicate_amount_date','number_reused','future_issue_date','issued_after_funding','new_debtor')`),
  ],
);

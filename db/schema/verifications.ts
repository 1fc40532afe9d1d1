import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { invoices } from './invoices';
import { users } from './users';

/**
 * Issue 15 item 1: how an invoice was verified with its debtor — by a call, an email, the
 * debtor's portal or approval, or a document — with whom, what came of it, and who recorded it
 * when. Append-only (migration 0029's triggers, db/roles.ts): a correction is a new record, and
 * the latest record decides whether the invoice counts as verified (lib/verifications). A bulk
 * verification writes one row per invoice with the same details.
 */
export const invoiceVerifications = pgTable(
  'invoice_verifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .notNull()
      .references(() => invoices.id),
    method: text('method', { enum: ['call', 'email', 'debtor_portal', 'document'] }).notNull(),
    contact: text('contact'),
    outcome: text('outcome', { enum: ['verified', 'disputed', 'no_answer'] }).notNull(),
    note: text('note'),
    recordedBy: bigint('recorded_by', { mode: 'number' }).references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    // an invoice's history newest first, and its latest record (funding's threshold check, the batch builder)
    index('invoice_verifications_invoice_idx').on(t.invoiceId, t.id),
    check('invoice_verifications_method_check', sql`${t.method} in ('call','email','debtor_portal','document')`),
    check('invoice_verifications_outcome_check', sql`${t.outcome} in ('verified','disputed','no_answer')`),
  ],
);

import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, char, check, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { debtors } from './clients';
import { invoices } from './invoices';

/**
 * Issue 15, item 4 (migration 0032): a statement of open invoices emailed to a debtor's AP
 * contact — by hand from the debtor page or the API (`kind` statement, no step) or by the daily
 * `debtor-reminders` job (`kind` reminder, `step` days relative to the due date: -7, 0, 15, 30 …).
 * `document` keeps what the PDF says besides its lines (the factor's name, the remittance
 * instructions and notices of assignment as they were, the totals per currency), so the PDF the
 * outbox builds when it sends the email (dedupe key `debtor-statement:<id>`) — and any later
 * copy — says what was sent. Rows are kept (a trigger refuses deletes): they are the debtor's history.
 */
export const debtorStatementSends = pgTable(
  'debtor_statement_sends',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    debtorId: bigint('debtor_id', { mode: 'number' })
      .notNull()
      .references(() => debtors.id),
    kind: text('kind', { enum: ['statement', 'reminder'] }).notNull(),
    /** reminders: the step, in days from the due date (negative: before it) */
    step: integer('step'),
    /** the business date the statement is as of (days past due are counted to it) */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** the AP contact it was sent to */
    to: text('to').notNull(),
    document: jsonb('document').notNull(),
    sentBy: bigint('sent_by', { mode: 'number' }),
    sentByLabel: text('sent_by_label').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('debtor_statement_sends_debtor_idx').on(t.debtorId, t.id),
    check('debtor_statement_sends_kind_check', sql`${t.kind} in ('statement','reminder')`),
    check('debtor_statement_sends_step_check', sql`(${t.kind} = 'reminder') = (${t.step} is not null)`),
  ],
);

/**
 * The invoices a send listed, with what they owed that day (paid = face − open). A reminder step
 * is sent once per invoice: (invoice_id, step) is unique for reminders — the job's crash-safety
 * and its reruns rest on it. The invoice page's "Reminders and statements sent" reads by invoice.
 */
export const debtorStatementLines = pgTable(
  'debtor_statement_lines',
  {
    sendId: bigint('send_id', { mode: 'number' })
      .notNull()
      .references(() => debtorStatementSends.id),
    invoiceId: bigint('invoice_id', { mode: 'number' })
      .notNull()
      .references(() => invoices.id),
    /** the send's step, repeated here for the unique index (null: a statement sent by hand) */
    step: integer('step'),
    currency: char('currency', { length: 3 }).notNull(),
    faceValue: money('face_value').notNull(),
    openAmount: money('open_amount').notNull(),
    /** under dispute that day (the statement said so) */
    disputed: boolean('disputed').notNull().default(false),
  },
  (t) => [
    primaryKey({ name: 'debtor_statement_lines_pk', columns: [t.sendId, t.invoiceId] }),
    uniqueIndex('debtor_statement_lines_once')
      .on(t.invoiceId, t.step)
      .where(sql`${t.step} is not null`),
    index('debtor_statement_lines_invoice_idx').on(t.invoiceId, t.sendId),
  ],
);

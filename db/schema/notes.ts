import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, money } from './columns';
import { users } from './users';

/** What a note may be written on (issue 15 item 3). */
export const NOTE_SUBJECT_VALUES = ['client', 'debtor', 'invoice'] as const;
/** The call log's kinds: a plain note, a call, an email, a meeting. */
export const NOTE_KIND_VALUES = ['note', 'call', 'email', 'meeting'] as const;

/**
 * Issue 15 item 3: a note on a client, debtor or invoice — who wrote it, when, what, and what kind
 * of contact it records (the call log). Append-only (migration 0031's triggers; the app role may not
 * update or delete): a correction is a new note. On an invoice a note may carry a promise to pay
 * (`promisedOn`, `promisedAmount` in the invoice's currency, `promiseMadeOn` the business date it
 * was recorded — money received from that day counts toward it; lib/notes/rules.ts).
 */
export const notes = pgTable(
  'notes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subjectType: text('subject_type', { enum: NOTE_SUBJECT_VALUES }).notNull(),
    /** the client's, debtor's or invoice's id (checked by lib/notes when the note is added) */
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: NOTE_KIND_VALUES }).notNull().default('note'),
    body: text('body').notNull(),
    authorId: bigint('author_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    promisedOn: date('promised_on', { mode: 'string' }),
    promisedAmount: money('promised_amount'),
    promiseMadeOn: date('promise_made_on', { mode: 'string' }),
  },
  (t) => [
    // a subject's notes, newest first (the page's section and GET /api/v1/notes?subjectType&subjectId)
    index('notes_subject_idx').on(t.subjectType, t.subjectId, t.id),
    // an invoice's latest promise (the one that counts), and promises by their date (collections inbox)
    index('notes_invoice_promises_idx')
      .on(t.subjectId, t.id)
      .where(sql`${t.subjectType} = 'invoice' and ${t.promisedOn} is not null`),
    index('notes_promised_on_idx')
      .on(t.promisedOn, t.id)
      .where(sql`${t.promisedOn} is not null`),
    check('notes_subject_type_check', sql`${t.subjectType} in ('client','debtor','invoice')`),
    check('notes_kind_check', sql`${t.kind} in ('note','call','email','meeting')`),
    check('notes_body_length', sql`char_length(${t.body}) between 1 and 5000`),
    check('notes_promise_whole', sql`(${t.promisedOn} is null) = (${t.promisedAmount} is null) and (${t.promisedOn} is null) = (${t.promiseMadeOn} is null)`),
    check('notes_promise_on_invoice', sql`${t.promisedOn} is null or ${t.subjectType} = 'invoice'`),
    check('notes_promise_positive', sql`${t.promisedAmount} is null or ${t.promisedAmount} > 0`),
  ],
);

/**
 * A note's follow-up: due on a date, owned by a staff user (the author unless named). Marking it
 * done sets `doneAt`/`doneBy` once — an audited event of its own, never an edit of the note; the
 * database refuses any other change (migration 0031). Open follow-ups are found through the partial
 * indexes (owner, due date) and (due date) where not done.
 */
export const followUps = pgTable(
  'follow_ups',
  {
    noteId: bigint('note_id', { mode: 'number' })
      .primaryKey()
      .references(() => notes.id),
    ownerId: bigint('owner_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    doneBy: bigint('done_by', { mode: 'number' }).references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('follow_ups_open_owner_idx')
      .on(t.ownerId, t.dueOn, t.noteId)
      .where(sql`${t.doneAt} is null`),
    index('follow_ups_open_due_idx')
      .on(t.dueOn, t.noteId)
      .where(sql`${t.doneAt} is null`),
    check('follow_ups_done_whole', sql`(${t.doneAt} is null) = (${t.doneBy} is null)`),
  ],
);

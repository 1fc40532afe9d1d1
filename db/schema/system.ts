import { sql } from 'drizzle-orm';
import { bigint, bigserial, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { users } from './users';

/** Transactional outbox: written in the command's transaction, sent by the email-outbox job. */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Makes "once per breach / per release" emails idempotent. */
    dedupeKey: text('dedupe_key').unique(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    template: text('template').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    clientId: bigint('client_id', { mode: 'number' }),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    messageId: text('message_id'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    // issue 13 (0020_lists): the outbox list's sorts and filters; (status, next attempt, id) also finds what is due
    index('email_outbox_status_next_idx').on(t.status, t.nextAttemptAt, t.id),
    index('email_outbox_status_id_idx').on(t.status, t.id),
    index('email_outbox_template_id_idx').on(t.template, t.id),
    index('email_outbox_next_attempt_idx').on(t.nextAttemptAt, t.id),
    index('email_outbox_recipient_idx').using('btree', sql`lower(${t.to}) text_pattern_ops`, t.id),
  ],
);

/** Key/value settings (approval thresholds, the risk schedule …), edited by admins. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** The runs of background jobs, for the console and for idempotency per business date. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    job: text('job').notNull(),
    /** the BullMQ job this run belongs to: a retried job continues its run's row */
    queueJobId: text('queue_job_id').unique(),
    businessDate: date('business_date', { mode: 'string' }),
    status: text('status', { enum: ['running', 'completed', 'failed'] }).notNull(),
    progress: integer('progress').notNull().default(0),
    totals: jsonb('totals').notNull().default({}),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('job_runs_job_idx').on(t.job, t.startedAt)],
);

/** API Idempotency-Key: the first answer to a POST, replayed for the same key and body. */
export const apiIdempotency = pgTable(
  'api_idempotency',
  {
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    key: text('key').notNull(),
    route: text('route').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: jsonb('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

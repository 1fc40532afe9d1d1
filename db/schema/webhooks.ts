import { bigint, bigserial, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { users } from './users';

/**
 * Issue 16 item 8: webhook subscriptions (admins, Settings → Webhooks and POST /api/v1/webhooks).
 * The secret signs every delivery (HMAC-SHA256), so the worker must read it: it is kept encrypted
 * (AES-256-GCM, migration 0040); shown once when the subscription is made, never listed or audited.
 */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  /** the signing secret, encrypted (lib/webhooks/secret-box.ts): `v1:…`, or `plain:…` for one stored before migration 0040 until the job seals it */
  secretSealed: text('secret_sealed').notNull(),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  createdBy: bigint('created_by', { mode: 'number' }).references(() => users.id),
  createdAt: createdAt(),
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  disabledBy: bigint('disabled_by', { mode: 'number' }).references(() => users.id),
});

/**
 * The webhook outbox and delivery log: one row per subscription × event, written in the
 * transaction of the command that caused the event; the `webhooks` job posts it. `body` is the
 * exact JSON sent on every attempt (same event id, same bytes).
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: bigint('subscription_id', { mode: 'number' })
      .notNull()
      .references(() => webhookSubscriptions.id),
    /** the event's id (the body's `id` and the Holdback-Event-Id header): receivers dedupe by it */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    // one delivery per subscription and event: a command run twice queues nothing new
    uniqueIndex('webhook_deliveries_event_idx').on(t.subscriptionId, t.eventId),
    // what is due (pending by next attempt; sending by lease) and the log's status filter
    index('webhook_deliveries_status_next_idx').on(t.status, t.nextAttemptAt, t.id),
    index('webhook_deliveries_status_id_idx').on(t.status, t.id),
    index('webhook_deliveries_subscription_id_idx').on(t.subscriptionId, t.id),
    index('webhook_deliveries_type_id_idx').on(t.eventType, t.id),
  ],
);

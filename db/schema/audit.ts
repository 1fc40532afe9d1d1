import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained (SPEC 9): each event carries the hash of the one before it.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string', precision: 3 }).notNull(),
    actorUserId: bigint('actor_user_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    source: text('source').notNull(),
    ip: text('ip'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull().unique(),
  },
  (t) => [
    // issue 13 (0020_lists): the audit list's keyset order (time, id), by itself and after each filter that leads
    index('audit_events_time_idx').on(t.occurredAt, t.id),
    index('audit_events_action_time_idx').on(t.action, t.occurredAt, t.id),
    index('audit_events_actor_time_idx').on(t.actor, t.occurredAt, t.id),
    index('audit_events_target_time_idx').on(t.targetType, t.targetId, t.occurredAt, t.id),
  ],
);

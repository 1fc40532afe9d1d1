import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { clients } from './clients';

export const ROLE_VALUES = ['admin', 'underwriter', 'funding', 'collections', 'approver', 'controller', 'auditor', 'client'] as const;

export const users = pgTable(
  'users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    role: text('role', { enum: ROLE_VALUES }).notNull(),
    clientId: bigint('client_id', { mode: 'number' }).references(() => clients.id),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
    /**
     * Sessions carry the version they were signed in under; sign-out and a password change bump
     * it, so every older session cookie stops working at once (issue 11).
     */
    sessionVersion: integer('session_version').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    check('users_role_check', sql`${t.role} in ('admin','underwriter','funding','collections','approver','controller','auditor','client')`),
    // SPEC 1: a client user belongs to exactly one client; staff to none.
    check('users_client_scope', sql`(${t.role} = 'client') = (${t.clientId} is not null)`),
    check('users_email_lower', sql`${t.email} = lower(${t.email})`),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    /** sha256 of the whole key; the key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull().unique(),
    /** The first characters of the key, so a person can tell keys apart. */
    prefix: text('prefix').notNull(),
    label: text('label').notNull().default(''),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('api_keys_user_idx').on(t.userId)],
);

/**
 * Sign-in throttling (issue 11): failures counted per address and per account with a growing
 * wait, instead of a lockout anyone could trigger. Counted here, not in the hash-chained audit
 * log: once a key is throttled, further failures only raise `suppressed` (a flood cannot grow
 * the audit log).
 */
export const authThrottle = pgTable(
  'auth_throttle',
  {
    /** 'ip' or 'account' */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull().default(0),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    blockedUntil: timestamp('blocked_until', { withTimezone: true, mode: 'date' }),
    /** failures while throttled: counted, not written to the audit log one by one */
    suppressed: integer('suppressed').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

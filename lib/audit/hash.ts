import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields of an audit event that its hash covers (everything but id and hash). */
export interface HashedFields {
  occurredAt: string;
  actorUserId: number | null;
  actor: string;
  role: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  source: string;
  ip: string | null;
}

/**
 * An audit event as read back from audit_events (the log's list, the chain's verification), ids
 * as text and occurred_at as the hash covers it: ISO 8601 in UTC, to the millisecond.
 */
export type AuditEventRow = {
  id: string;
  occurred_at: string;
  actor_user_id: string | null;
  actor: string;
  role: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  source: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
};

/** The fields of a stored event its hash was computed over, as recordAudit hashed them. */
export function hashedFields(r: AuditEventRow): HashedFields {
  return {
    occurredAt: r.occurred_at,
    actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
    actor: r.actor,
    role: r.role,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    requestId: r.request_id,
    source: r.source,
    ip: r.ip,
  };
}

export function eventHash(prevHash: string, fields: HashedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
}

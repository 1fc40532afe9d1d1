import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { GENESIS_HASH, eventHash, type HashedFields } from './hash';

export { GENESIS_HASH, canonicalJson, eventHash } from './hash';

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** JSON round trip: what jsonb will store and give back (Big and Date become strings). */
function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/**
 * Appends audit events (SPEC 9), hash-chained: each carries the hash of the one before. Called
 * inside the command's transaction, so the event exists exactly when the change does. The chain
 * is extended under a transaction-scoped advisory lock, so concurrent commands queue for the
 * tail of the chain only for the last moments of their transactions.
 */
export async function recordAudit(tx: Tx, actor: Actor, events: AuditInput | AuditInput[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  await tx.sql`select pg_advisory_xact_lock(hashtext('holdback.audit_chain'))`;
  const [last] = await tx.sql<{ hash: string }[]>`select hash from audit_events order by id desc limit 1`;
  let prev = last?.hash ?? GENESIS_HASH;
  const occurredAt = new Date().toISOString();
  const rows = list.map((e) => {
    const fields: HashedFields = {
      occurredAt,
      actorUserId: actor.userId,
      actor: actor.label,
      role: actor.role,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId === undefined || e.targetId === null ? null : String(e.targetId),
      before: plain(e.before),
      after: plain(e.after),
      requestId: actor.requestId,
      source: actor.source,
      ip: actor.ip,
    };
    const hash = eventHash(prev, fields);
    const row = { ...fields, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  const c = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  await tx.sql`
    insert into audit_events
      (occurred_at, actor_user_id, actor, role, action, target_type, target_id, before, after, request_id, source, ip, prev_hash, hash)
    select o::timestamptz, u, a, r, ac, tt, ti, b::jsonb, af::jsonb, rq, s, ip, ph, h from unnest(
      ${c((r) => r.occurredAt)}::text[], ${c((r) => r.actorUserId) as never}::bigint[], ${c((r) => r.actor)}::text[],
      ${c((r) => r.role)}::text[], ${c((r) => r.action)}::text[], ${c((r) => r.targetType)}::text[],
      ${c((r) => r.targetId) as never}::text[], ${c((r) => (r.before === null ? null : JSON.stringify(r.before))) as never}::text[],
      ${c((r) => (r.after === null ? null : JSON.stringify(r.after))) as never}::text[], ${c((r) => r.requestId) as never}::text[],
      ${c((r) => r.source)}::text[], ${c((r) => r.ip) as never}::text[], ${c((r) => r.prevHash)}::text[], ${c((r) => r.hash)}::text[])
      with ordinality as t(o, u, a, r, ac, tt, ti, b, af, rq, s, ip, ph, h, n)
    order by n`;
}

// The log as a list (Audit log, GET /api/v1/audit-events): ./list.ts (issue 13).

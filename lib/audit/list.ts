import type { Database, RawSql, Tx } from '../../db/client';
import { checkDateRange, dayAfter, dayStart, prefixPattern } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { businessDate, optional, text } from '../validation/fields';
import type { AuditEventRow, HashedFields } from './hash';

/**
 * Issue 13: the audit log as a list (`GET /api/v1/audit-events`, Audit log). The table is
 * append-only and grows by every command for years, so the one order is the hash chain's: time,
 * then id (events are numbered and stamped under the chain's lock), newest first by default.
 * Filters: an action (exact, or a family written with its dot: `invoice.`), who (the actor as the
 * log names it: an email, or `job:fee-accrual`), a target (type, and its id), and a date range (UTC
 * days). Each of action, actor and target leads an index in (occurred_at, id) order and the range
 * reads (occurred_at, id) itself (0020_lists), so a page is an index scan that stops at its rows.
 */

const auditFilters = filterSchema({
  action: optional(text('Action', { max: 100 })),
  actor: optional(text('Who', { max: 320 })),
  targetType: optional(text('Target type', { max: 60 })),
  targetId: optional(text('Target id', { max: 100 })),
  from: optional(businessDate('From')),
  to: optional(businessDate('To')),
}).superRefine((v, ctx) => {
  checkDateRange(ctx, v.from, v.to, { from: 'From', to: 'To' });
  if (v.targetId !== undefined && v.targetType === undefined) {
    ctx.addIssue({ code: 'custom', path: ['targetType'], message: 'Target type is required with a target id (e.g. invoice)' });
  }
});

export type AuditFilters = ReturnType<typeof auditFilters.parse>;

export const auditListDefinition: ListDefinition<AuditFilters> = {
  name: 'audit',
  sorts: { time: { expr: 'e.occurred_at', type: 'timestamptz', label: 'When' } },
  defaultSort: 'time',
  defaultOrder: 'desc',
  idExpr: 'e.id',
  filters: auditFilters,
};

/** An event as the list shows it: what its hash covers (occurredAt: ISO 8601 in UTC, to the millisecond), its id and its chain's hashes. */
export interface AuditListItem extends Omit<HashedFields, 'actorUserId'> {
  id: string;
  actorUserId: string | null;
  prevHash: string;
  hash: string;
}

/** `invoice.` (a family) matches every action it starts; anything else is one action. */
function actionCondition(sql: RawSql, action: string) {
  return action.endsWith('.') ? sql`e.action like ${prefixPattern(action)}` : sql`e.action = ${action}`;
}

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** The audit log (who may read it is the route's and the page's: the audit section's roles). */
export function auditList(sql: RawSql): ListSpec<AuditFilters, AuditEventRow, AuditListItem> {
  return {
    def: auditListDefinition,
    query: ({ filters: f }) => ({
      select: sql`e.id::text as id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
                  e.actor_user_id::text as actor_user_id, e.actor, e.role, e.action, e.target_type, e.target_id, e.before, e.after,
                  e.request_id, e.source, e.ip, e.prev_hash, e.hash`,
      from: sql`audit_events e`,
      where: [
        f.action ? actionCondition(sql, f.action) : null,
        f.actor ? sql`e.actor = ${f.actor}` : null,
        f.targetType ? sql`e.target_type = ${f.targetType}` : null,
        f.targetId !== undefined ? sql`e.target_id = ${f.targetId}` : null,
        f.from ? sql`e.occurred_at >= ${dayStart(sql, f.from)}` : null,
        f.to ? sql`e.occurred_at < ${dayAfter(sql, f.to)}` : null,
      ],
    }),
    map: (r) => ({
      id: r.id,
      occurredAt: r.occurred_at,
      actorUserId: r.actor_user_id,
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
      prevHash: r.prev_hash,
      hash: r.hash,
    }),
    csv: [
      { header: 'Event', value: (e) => e.id },
      { header: 'When (UTC)', value: (e) => e.occurredAt },
      { header: 'Who', value: (e) => e.actor },
      { header: 'Role', value: (e) => e.role },
      { header: 'Action', value: (e) => e.action },
      { header: 'Target type', value: (e) => e.targetType },
      { header: 'Target id', value: (e) => e.targetId ?? '' },
      { header: 'Before', value: (e) => json(e.before) },
      { header: 'After', value: (e) => json(e.after) },
      { header: 'Source', value: (e) => e.source },
      { header: 'IP', value: (e) => e.ip ?? '' },
      { header: 'Request', value: (e) => e.requestId ?? '' },
      { header: 'Previous hash', value: (e) => e.prevHash },
      { header: 'Hash', value: (e) => e.hash },
    ],
    file: 'audit-events',
  };
}

/**
 * The actions the log holds, for the filter's suggestions: a loose index scan (one probe of
 * audit_events_action_time_idx per distinct action), not a scan of the log.
 */
export async function auditActions(db: Database | Tx): Promise<string[]> {
  const rows = await db.sql<{ action: string }[]>`
    with recursive a(action) as (
      (select action from audit_events order by action limit 1)
      union all
      select (select e.action from audit_events e where e.action > a.action order by e.action limit 1) from a where a.action is not null)
    select action from a where action is not null`;
  return rows.map((r) => r.action);
}

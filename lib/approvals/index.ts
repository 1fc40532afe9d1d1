import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { approvalRequests } from '../../db/schema';
import type { Actor } from '../auth/actor';
import { DomainError, notFound } from '../errors';

/**
 * The maker-checker queue shared by fundings, agreement changes, client activations, releases
 * and adjustments (SPEC 1: whoever requested an action never approves it).
 */
export type ApprovalKind = (typeof approvalRequests.$inferSelect)['kind'];

export async function requestApproval(
  tx: Tx,
  request: { kind: ApprovalKind; targetId: number; clientId?: number | null; summary: string; details?: Record<string, unknown> },
  actor: Actor,
): Promise<number> {
  const [row] = await tx.db
    .insert(approvalRequests)
    .values({ kind: request.kind, targetId: request.targetId, clientId: request.clientId ?? null, summary: request.summary, details: request.details ?? {}, requestedBy: actor.userId ?? 0 })
    .returning({ id: approvalRequests.id });
  return row!.id;
}

export interface PendingDecision {
  id: number;
  requestedBy: number;
}

/**
 * Locks the pending request for a target and checks the deciding person: not its requester
 * (403, maker ≠ checker), and the request still pending (409 once decided).
 */
export async function lockPendingRequest(tx: Tx, kind: ApprovalKind, targetId: number, actor: Actor): Promise<PendingDecision> {
  const [row] = await tx.db
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.kind, kind), eq(approvalRequests.targetId, targetId)))
    .orderBy(desc(approvalRequests.id))
    .limit(1)
    .for('update');
  if (!row) throw notFound('Approval request for', `${kind} ${targetId}`);
  if (row.status !== 'pending') throw new DomainError('already_decided', `This ${kind.replace('_', ' ')} was ${row.status} already`, { status: 409 });
  if (actor.userId !== null && row.requestedBy === actor.userId) {
    throw new DomainError('maker_checker', 'You requested this, so someone else must approve or reject it', { status: 403 });
  }
  return { id: row.id, requestedBy: row.requestedBy };
}

export async function decideRequest(tx: Tx, requestId: number, decision: 'approved' | 'rejected', actor: Actor, reason?: string): Promise<void> {
  if (decision === 'rejected' && !reason?.trim()) {
    throw new DomainError('reason_required', 'A rejection needs a reason', { status: 400, details: { reason: 'is required' } });
  }
  await tx.db
    .update(approvalRequests)
    .set({ status: decision, decidedBy: actor.userId, decidedAt: new Date(), reason: reason?.trim() || null })
    .where(eq(approvalRequests.id, requestId));
}

export interface ApprovalItem {
  id: string;
  kind: ApprovalKind;
  targetId: string;
  clientId: string | null;
  clientName: string | null;
  summary: string;
  details: Record<string, unknown>;
  status: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  reason: string | null;
}

export async function listApprovals(tx: Tx, filter: { status?: 'pending' | 'approved' | 'rejected'; kind?: ApprovalKind; limit?: number } = {}): Promise<ApprovalItem[]> {
  const rows = await tx.sql<
    { id: string; kind: ApprovalKind; target_id: string; client_id: string | null; client_name: string | null; summary: string; details: Record<string, unknown>; status: string; requested_by: string; requested_at: string; decided_by: string | null; reason: string | null }[]
  >`
    select r.id, r.kind, r.target_id, r.client_id, c.name as client_name, r.summary, r.details, r.status,
           u.email as requested_by, to_char(r.requested_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as requested_at,
           d.email as decided_by, r.reason
      from approval_requests r
      left join clients c on c.id = r.client_id
      left join users u on u.id = r.requested_by
      left join users d on d.id = r.decided_by
     where (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null})
       and (${filter.kind ?? null}::text is null or r.kind = ${filter.kind ?? null})
     order by r.id desc limit ${filter.limit ?? 200}`;
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    targetId: r.target_id,
    clientId: r.client_id,
    clientName: r.client_name,
    summary: r.summary,
    details: r.details,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    reason: r.reason,
  }));
}

/** Everything waiting for a decision: requests in the queue and releases proposed by cycles. */
export async function countPendingApprovals(tx: Tx): Promise<number> {
  const [row] = await tx.sql<{ n: number }[]>`
    select (select count(*) from approval_requests where status = 'pending')::int
         + (select count(*) from releases where status = 'pending_approval')::int as n`;
  return row!.n;
}


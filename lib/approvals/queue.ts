import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { approvalRequests } from '../../db/schema';
import type { Actor } from '../auth/actor';
import { DomainError, notFound } from '../errors';
import { MAKER_RULES, assertNotMaker, requesterId, requireReason, type MakerRule } from './maker-checker';

/**
 * The maker-checker queue shared by fundings, agreement changes, client activations, releases
 * and adjustments (SPEC 1: whoever requested an action never approves it). The rules themselves
 * are in ./maker-checker.
 */
export type ApprovalKind = (typeof approvalRequests.$inferSelect)['kind'];

/** Puts a request in the queue, its requester the actor (`NO_PERSON` for a job). */
export async function requestApproval(
  tx: Tx,
  request: { kind: ApprovalKind; targetId: number; clientId?: number | null; summary: string; details?: Record<string, unknown> },
  actor: Actor,
): Promise<number> {
  const [row] = await tx.db
    .insert(approvalRequests)
    .values({
      kind: request.kind,
      targetId: request.targetId,
      clientId: request.clientId ?? null,
      summary: request.summary,
      details: request.details ?? {},
      requestedBy: requesterId(actor),
    })
    .returning({ id: approvalRequests.id });
  return row!.id;
}

export interface PendingDecision {
  id: number;
  requestedBy: number;
}

/** How the requester of each kind is told they may not decide it (MAKER_RULES). */
const REQUESTER: Partial<Record<ApprovalKind, Omit<MakerRule, 'makers'>>> = {
  funding_batch: MAKER_RULES.fundingBatch,
  agreement_change: MAKER_RULES.agreementChange,
  client_activation: MAKER_RULES.clientActivation,
  debtor_merge: MAKER_RULES.debtorMerge,
};

/**
 * Locks the pending request for a target and checks the deciding person: not its requester
 * (403 `maker_checker`, in the words of MAKER_RULES), and the request still pending (409
 * `already_decided`).
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
  assertNotMaker(actor, { ...(REQUESTER[kind] ?? { did: 'requested this' }), makers: [row.requestedBy] });
  return { id: row.id, requestedBy: row.requestedBy };
}

/** Records the decision on a request; a rejection needs a reason (400 `reason_required`). */
export async function decideRequest(tx: Tx, requestId: number, decision: 'approved' | 'rejected', actor: Actor, reason?: string): Promise<void> {
  const why = decision === 'rejected' ? requireReason(reason) : reason?.trim() || null;
  await tx.db
    .update(approvalRequests)
    .set({ status: decision, decidedBy: actor.userId, decidedAt: new Date(), reason: why })
    .where(eq(approvalRequests.id, requestId));
}

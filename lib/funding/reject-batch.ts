import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { fundingBatches } from '../../db/schema';
import { decideRequest, lockPendingRequest, requireReason } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { lockHeldBatch } from './held-batch';
import { getFundingBatch } from './queries';
import type { FundingBatchView } from './types';

/**
 * Rejects a held batch with a reason: nothing is posted and its invoices may go into a new batch.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `funding.approve`); 400 `reason_required`
 * (400 `invalid_input` for a reason too long); 404 `not_found`; 409 `already_decided`;
 * 403 `maker_checker` (the requester).
 */
export async function rejectFundingBatch(tx: Tx, batchId: number, reason: unknown, actor: Actor): Promise<FundingBatchView> {
  requirePermission(actor, 'funding.approve');
  const text = requireReason(reason);
  await lockHeldBatch(tx, batchId);
  const request = await lockPendingRequest(tx, 'funding_batch', batchId, actor);
  await tx.db
    .update(fundingBatches)
    .set({ status: 'rejected', decidedBy: actor.userId, decidedAt: new Date(), reason: text })
    .where(eq(fundingBatches.id, batchId));
  await tx.sql`update funding_batch_invoices set active = false where batch_id = ${batchId}`;
  await decideRequest(tx, request.id, 'rejected', actor, text);
  await recordAudit(tx, actor, {
    action: 'funding.reject',
    targetType: 'funding_batch',
    targetId: batchId,
    before: { status: 'pending_approval' },
    after: { status: 'rejected', reason: text },
  });
  return getFundingBatch(tx, batchId, actor);
}

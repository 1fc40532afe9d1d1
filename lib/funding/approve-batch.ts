import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { fundingBatches } from '../../db/schema';
import { decideRequest, lockPendingRequest } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { formatMoney } from '../money';
import { batchInvoiceIds, lockHeldBatch } from './held-batch';
import { postBatch } from './post';
import { prepare } from './prepare';
import type { FundingBatchView } from './types';
import { batchView } from './view';

/**
 * An approver other than the requester releases a held batch: the checks run again (the
 * invoices must still be fundable) and the batch is posted as it would have been.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `funding.approve`); 404 `not_found`;
 * 409 `already_decided`; 403 `maker_checker` (the requester); and what funding checks again —
 * 422 `intake_flags_open` (issue 16: flags not cleared; flags first found now keep the batch held,
 * answered as `pending_approval` with the new hold), `client_not_active`, `no_agreement`, `not_verified`, `verification_required`, `currency_not_allowed`,
 * `debtor_approval_missing`; 409 `already_funded`.
 */
export async function approveFundingBatch(tx: Tx, batchId: number, actor: Actor): Promise<FundingBatchView> {
  requirePermission(actor, 'funding.approve');
  const batch = await lockHeldBatch(tx, batchId);
  const request = await lockPendingRequest(tx, 'funding_batch', batchId, actor);
  const input = { clientId: batch.clientId, invoiceIds: await batchInvoiceIds(tx, batchId), fundingDate: batch.fundingDate };
  const prepared = await prepare(tx, input, { lock: true, ownBatchId: batchId, actor });
  // Issue 16 item 5: intake flags first found now are kept (raised above) and the batch stays held until they are cleared
  const flagHold = prepared.holds.find((h) => h.code === 'intake_flags');
  if (flagHold) {
    await tx.db
      .update(fundingBatches)
      .set({ holds: [...batch.holds.filter((h) => h.code !== 'intake_flags'), flagHold] })
      .where(eq(fundingBatches.id, batchId));
    await recordAudit(tx, actor, {
      action: 'funding.flags_raised',
      targetType: 'funding_batch',
      targetId: batchId,
      after: { status: 'pending_approval', hold: flagHold },
    });
    return batchView(prepared, { id: batchId, status: 'pending_approval', fundingDate: batch.fundingDate, reason: flagHold.message });
  }
  const requiredReserve = await postBatch(tx, batchId, prepared, batch.fundingDate, actor);
  await tx.db
    .update(fundingBatches)
    .set({ status: 'funded', decidedBy: actor.userId, decidedAt: new Date(), holds: prepared.holds, requiredReserve: requiredReserve?.toString() ?? null })
    .where(eq(fundingBatches.id, batchId));
  await decideRequest(tx, request.id, 'approved', actor);
  await recordAudit(tx, actor, {
    action: 'funding.approve',
    targetType: 'funding_batch',
    targetId: batchId,
    before: { status: 'pending_approval', holds: batch.holds },
    after: { status: 'funded', holds: prepared.holds, totalAdvance: formatMoney(prepared.plan.totals.advance, prepared.currency) },
  });
  return batchView(prepared, { id: batchId, status: 'funded', fundingDate: batch.fundingDate, requiredReserve });
}

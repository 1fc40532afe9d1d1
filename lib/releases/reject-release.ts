import type { Tx } from '../../db/client';
import { MAKER_RULES, assertNotMaker, requireReason } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError } from '../errors';
import { getRelease } from './queries';
import { lockRelease, type ReleaseView } from './release-rows';

/**
 * Rejects a proposed release with a reason (not by whoever ran the cycle); nothing is posted and
 * the reserve stays for a later cycle.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `release.approve`); 400 `reason_required`
 * (400 `invalid_input` for a reason too long); 404 `not_found`; 409 `already_decided`;
 * 403 `maker_checker`.
 */
export async function rejectRelease(tx: Tx, releaseId: number, input: { reason?: unknown }, actor: Actor): Promise<ReleaseView> {
  requirePermission(actor, 'release.approve');
  const reason = requireReason(input.reason);
  const row = await lockRelease(tx, releaseId);
  if (row.status !== 'pending_approval') throw new DomainError('already_decided', `Release ${releaseId} is ${row.status.replace('_', ' ')}`, { status: 409 });
  assertNotMaker(actor, { ...MAKER_RULES.release, decide: 'decide', makers: [row.created_by] });
  await tx.sql`update releases set status = 'rejected', reason = ${reason}, decided_by = ${actor.userId} where id = ${releaseId}`;
  await recordAudit(tx, actor, { action: 'release.reject', targetType: 'release', targetId: releaseId, after: { status: 'rejected', reason } });
  return getRelease(tx, releaseId, actor);
}

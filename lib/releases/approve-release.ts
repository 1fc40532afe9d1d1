import type { Tx } from '../../db/client';
import { MAKER_RULES, approvalStep, assertNotMaker, assertSecondApprover } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError } from '../errors';
import { Big, ZERO, formatMoney, moneyOut, parseMoney } from '../money';
import { controllerThreshold } from '../settings';
import { escrowBalances, postEscrowRelease } from './escrow';
import { postReleases } from './post-releases';
import { getRelease } from './queries';
import { computeReleasable } from './releasable';
import { lockRelease, type ReleaseView } from './release-rows';
import { loadReleaseStates } from './state';

/**
 * Approves a proposed release (SPEC 1, 5.3) under lib/approvals' maker-checker: not by whoever
 * ran the cycle, and above the controller threshold a first approval and then a controller's
 * (another person). An amount below the proposal releases part; the rest stays for the next
 * cycle. Each approval re-checks the amount against the client's whole current reserve under
 * the client's lock, whatever the dates (issue 11), and the final one posts it (reserve →
 * client payable, status `approved`); it is paid later through a payout batch (lib/payouts, SPEC 5.3).
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `release.approve`); 404 `not_found`;
 * 409 `already_decided`; 403 `maker_checker` (ran the cycle, or gave the first approval);
 * 400 `invalid_input` (an amount out of range) or the amount's own codes (`invalid_decimal`,
 * `too_many_decimals`, `too_large`, `negative_amount`); 409 `exceeds_releasable`;
 * 403 `controller_required` (the second approval above the threshold, without
 * `release.approve_large`).
 */
export async function approveRelease(tx: Tx, releaseId: number, input: { amount?: unknown }, actor: Actor): Promise<ReleaseView> {
  requirePermission(actor, 'release.approve');
  const row = await lockRelease(tx, releaseId);
  if (row.status !== 'pending_approval') throw new DomainError('already_decided', `Release ${releaseId} is ${row.status.replace('_', ' ')}`, { status: 409 });
  assertNotMaker(actor, { ...MAKER_RULES.release, makers: [row.created_by] });
  assertSecondApprover(actor, row.first_approved_by, 'this release');
  const c = row.currency;
  // A second approval may lower the first one's amount, never raise it.
  const ceiling = row.first_approved_by !== null && row.approved_amount !== null ? new Big(row.approved_amount) : new Big(row.amount);
  const amount = input.amount === undefined ? ceiling : parseMoney(input.amount, c, { field: 'amount' });
  if (amount.lte(0) || amount.gt(ceiling)) {
    throw new DomainError(
      'invalid_input',
      `The amount must be more than zero and at most the ${formatMoney(ceiling, c)} ${row.first_approved_by !== null ? 'already approved' : 'proposed'}`,
      { status: 400, details: { amount: 'out of range' } },
    );
  }
  const clientId = Number(row.client_id);
  if (row.kind === 'escrow') return approveEscrow(tx, releaseId, row, amount, actor);
  const ctx = (await loadReleaseStates(tx, [clientId], row.as_of, { detail: true, money: 'current' })).get(clientId);
  const state = ctx?.states.find((s) => s.currency === c);
  const releasable = state ? computeReleasable(state).releasable : ZERO;
  if (amount.gt(releasable)) {
    throw new DomainError(
      'exceeds_releasable',
      `Only ${formatMoney(releasable, c)} ${c} of this client's reserve is releasable now (since the proposal, other releases, chargebacks or fees have used the rest); approve that amount in part or reject it`,
      {
        status: 409,
        details: { releasable: formatMoney(releasable, c), proposed: moneyOut(row.amount, c) },
      },
    );
  }
  const step = approvalStep(actor, { amount, threshold: await controllerThreshold(tx), currency: c, firstApprover: row.first_approved_by, what: 'Releases' });
  if (step === 'first') {
    // First of two approvals: recorded; a controller (another person) completes it.
    await tx.sql`update releases set first_approved_by = ${actor.userId}, approved_amount = ${amount.toString()}, needs_controller = 'yes' where id = ${releaseId}`;
    await recordAudit(tx, actor, {
      action: 'release.first_approval',
      targetType: 'release',
      targetId: releaseId,
      after: { amount: formatMoney(amount, c), needs: 'a controller' },
    });
    return getRelease(tx, releaseId, actor);
  }
  await tx.sql`update releases set ${row.first_approved_by !== null ? tx.sql`second_approved_by = ${actor.userId}` : tx.sql`first_approved_by = ${actor.userId}`}, decided_by = ${actor.userId}, status = 'approved' where id = ${releaseId}`;
  await postReleases(tx, [{ id: releaseId, clientId, currency: c, asOf: row.as_of, amount, state }], actor);
  await recordAudit(tx, actor, {
    action: 'release.approve',
    targetType: 'release',
    targetId: releaseId,
    before: { status: 'pending_approval', amount: moneyOut(row.amount, c) },
    after: { status: 'approved', approvedAmount: formatMoney(amount, c), partial: amount.lt(row.amount) },
  });
  return getRelease(tx, releaseId, actor);
}

/**
 * Issue 16 item 3: an escrow release's approval — the same maker-checker and controller
 * threshold; the amount re-checked against the escrow held now (under the client's lock), then
 * posted escrow → client payable and paid by a payout batch like any release.
 */
async function approveEscrow(tx: Tx, releaseId: number, row: Awaited<ReturnType<typeof lockRelease>>, amount: Big, actor: Actor): Promise<ReleaseView> {
  const c = row.currency;
  const clientId = Number(row.client_id);
  const held = (await escrowBalances(tx, [clientId], { lock: true })).get(`${clientId}|${c}`) ?? ZERO;
  if (amount.gt(held)) {
    throw new DomainError('exceeds_escrow', `Only ${formatMoney(held, c)} ${c} is held in this client's escrow now; approve that amount in part or reject it`, {
      status: 409,
      details: { held: formatMoney(held, c), proposed: moneyOut(row.amount, c) },
    });
  }
  const step = approvalStep(actor, { amount, threshold: await controllerThreshold(tx), currency: c, firstApprover: row.first_approved_by, what: 'Releases' });
  if (step === 'first') {
    await tx.sql`update releases set first_approved_by = ${actor.userId}, approved_amount = ${amount.toString()}, needs_controller = 'yes' where id = ${releaseId}`;
    await recordAudit(tx, actor, {
      action: 'release.first_approval',
      targetType: 'release',
      targetId: releaseId,
      after: { kind: 'escrow', amount: formatMoney(amount, c), needs: 'a controller' },
    });
    return getRelease(tx, releaseId, actor);
  }
  await tx.sql`update releases set ${row.first_approved_by !== null ? tx.sql`second_approved_by = ${actor.userId}` : tx.sql`first_approved_by = ${actor.userId}`}, decided_by = ${actor.userId} where id = ${releaseId}`;
  await postEscrowRelease(tx, { id: releaseId, clientId, currency: c, asOf: row.as_of, amount }, actor);
  await recordAudit(tx, actor, {
    action: 'escrow.release_approve',
    targetType: 'release',
    targetId: releaseId,
    before: { status: 'pending_approval', amount: moneyOut(row.amount, c) },
    after: { status: 'approved', approvedAmount: formatMoney(amount, c), partial: amount.lt(row.amount) },
  });
  return getRelease(tx, releaseId, actor);
}

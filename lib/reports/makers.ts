import type { Tx } from '../../db/client';
import { makerRefusal, secondApprovalRefusal, type PersonId } from '../approvals/maker-checker';
import type { ApprovalKind } from '../approvals/queue';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';

/**
 * For pages: who made what waits for a decision, and why the person looking may not approve it —
 * so Approve (and a release's bulk checkbox) is offered only to someone who may, and the maker
 * reads why instead of being refused after clicking. The rules are lib/approvals' (the
 * `…Refusal` twins of what the commands assert); the commands refuse the maker whatever a page
 * shows.
 */

type Who = Pick<Actor, 'userId' | 'role'>;

export interface ReleaseMakers {
  /** who ran the cycle that proposed it */
  ranCycle: PersonId;
  firstApprover: PersonId;
  needsController: boolean;
}

/** The makers of releases, by release id. */
export async function releaseMakers(tx: Tx, releaseIds: readonly (string | number)[]): Promise<Map<string, ReleaseMakers>> {
  if (releaseIds.length === 0) return new Map();
  const rows = await tx.sql<{ id: string; created_by: string | null; first_approved_by: string | null; needs_controller: string }[]>`
    select id, created_by, first_approved_by, needs_controller from releases where id = any(${releaseIds.map(String)}::bigint[])`;
  return new Map(rows.map((r) => [r.id, { ranCycle: r.created_by, firstApprover: r.first_approved_by, needsController: r.needs_controller === 'yes' }]));
}

/** Who requested each pending request of a kind in the approval queue, by target id. */
export async function requestMakers(tx: Tx, kind: ApprovalKind, targetIds: readonly (string | number)[]): Promise<Map<string, PersonId>> {
  if (targetIds.length === 0) return new Map();
  const rows = await tx.sql<{ target_id: string; requested_by: string }[]>`
    select distinct on (target_id) target_id, requested_by from approval_requests
     where kind = ${kind} and status = 'pending' and target_id = any(${targetIds.map(String)}::bigint[])
     order by target_id, id desc`;
  return new Map(rows.map((r) => [r.target_id, r.requested_by]));
}

/** Who entered a client and who submitted it for review (either may not activate it). */
export async function clientMakers(tx: Tx, clientId: number): Promise<PersonId[]> {
  const [row] = await tx.sql<{ created_by: string | null; submitted_by: string | null }[]>`select created_by, submitted_by from clients where id = ${clientId}`;
  return row ? [row.created_by, row.submitted_by] : [];
}

/** Why this person may not approve the release, or null when they may. */
/** Why this person may not reject a release (only the one who ran its cycle may not), or null. */
export function releaseRejectRefusal(actor: Who, makers: ReleaseMakers | undefined): string | null {
  if (!makers) return null;
  return makerRefusal(actor, {
    makers: [makers.ranCycle],
    did: 'ran the cycle that proposed this release',
    checker: 'another approver',
    decide: 'approve',
  });
}

export function releaseRefusal(actor: Who, makers: ReleaseMakers | undefined): string | null {
  if (!makers) return null;
  return (
    makerRefusal(actor, { makers: [makers.ranCycle], did: 'ran the cycle that proposed this release', checker: 'another approver', decide: 'approve' }) ??
    secondApprovalRefusal(actor, makers.firstApprover, 'this release') ??
    (makers.needsController && makers.firstApprover !== null && !can(actor, 'release.approve_large')
      ? 'Approved once already; above the controller threshold the second approval must come from a controller'
      : null)
  );
}

/** Why this person may not decide a held funding batch they requested, or null. */
export function fundingBatchRefusal(actor: Who, requestedBy: PersonId): string | null {
  return makerRefusal(actor, { makers: [requestedBy], did: 'built this batch', checker: 'another approver', decide: 'approve or reject' });
}

/** Why this person may not decide an agreement version they proposed, or null. */
export function agreementRefusal(actor: Who, requestedBy: PersonId): string | null {
  return makerRefusal(actor, { makers: [requestedBy], did: 'proposed this agreement version', checker: 'another approver', decide: 'approve or reject' });
}

/** Why this person may not review a client they entered or submitted, or null. */
export function clientActivationRefusal(actor: Who, makers: readonly PersonId[]): string | null {
  return makerRefusal(actor, { makers, did: 'entered or submitted this client', checker: 'another underwriter', decide: 'review' });
}

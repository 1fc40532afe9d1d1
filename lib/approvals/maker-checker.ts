import type { Actor } from '../auth/actor';
import { can, type Permission } from '../auth/permissions';
import { DomainError } from '../errors';
import { type Big, formatMoney } from '../money';
import { text } from '../validation/fields';

/**
 * SPEC 1 separation of duties — the one place its rules live, for every decision: a client's
 * activation, an agreement version, a held funding batch, a release, a payout account change.
 *
 * - the maker may not decide: whoever requested, entered, submitted or proposed it (403 `maker_checker`);
 * - two approvals are two people (403 `maker_checker`);
 * - above the controller threshold a controller approves as well (403 `controller_required`);
 * - a rejection needs a reason (400 `reason_required`).
 *
 * Pure: the commands read the rows and ask; pages ask the `…Refusal` twins to decide whether to
 * offer Approve at all and to say why not (the same words the command would refuse with).
 */

/** A person's id as a row carries it (bigint columns come as strings from raw SQL); null: nobody (a job). */
export type PersonId = number | string | null | undefined;

/**
 * Who requested something when no person did (a job or the command line): approval_requests and
 * funding_batches record a requester, and user ids start at 1, so 0 is nobody — never matched as
 * the maker of anything (`isSamePerson`).
 */
export const NO_PERSON = 0;

/** The requester recorded for an actor: the person, or `NO_PERSON` for a job or the command line. */
export function requesterId(actor: Pick<Actor, 'userId'>): number {
  return actor.userId ?? NO_PERSON;
}

/** Whether the actor is that person. A job or the command line (no user id) is no one's maker. */
export function isSamePerson(actor: Pick<Actor, 'userId'>, person: PersonId): boolean {
  return actor.userId !== null && person !== null && person !== undefined && Number(person) === actor.userId;
}

export interface MakerRule {
  /** whoever made what is decided: its requester, who entered or submitted it, who ran the cycle */
  makers: readonly PersonId[];
  /** what the maker did, said to them: "ran the cycle that proposed this release" */
  did: string;
  /** who decides instead (default "someone else") */
  checker?: string;
  /** the decision (default "approve or reject") */
  decide?: string;
}

/**
 * How the maker of each kind of decision is told — the commands refuse with these words and pages
 * say them instead of offering Approve, so both say the same.
 */
export const MAKER_RULES = {
  release: { did: 'ran the cycle that proposed this release', checker: 'another approver', decide: 'approve' },
  fundingBatch: { did: 'built this batch', checker: 'another approver', decide: 'approve or reject' },
  agreementChange: { did: 'proposed this agreement version', checker: 'another approver', decide: 'approve or reject' },
  clientActivation: { did: 'entered or submitted this client', checker: 'another underwriter', decide: 'review' },
  debtorMerge: { did: 'proposed this merge', checker: 'someone else with the permission', decide: 'approve or reject' },
  payoutAccountChange: { did: 'requested this payout account change', checker: 'someone else', decide: 'approve or reject' },
} as const satisfies Record<string, Omit<MakerRule, 'makers'>>;

/** Why the actor may not decide this as its maker, or null when they may. */
export function makerRefusal(actor: Pick<Actor, 'userId'>, rule: MakerRule): string | null {
  if (!rule.makers.some((m) => isSamePerson(actor, m))) return null;
  return `You ${rule.did}, so ${rule.checker ?? 'someone else'} must ${rule.decide ?? 'approve or reject'} it`;
}

/** The maker may not decide what they made: 403 `maker_checker`. */
export function assertNotMaker(actor: Pick<Actor, 'userId'>, rule: MakerRule): void {
  const refusal = makerRefusal(actor, rule);
  if (refusal) throw new DomainError('maker_checker', refusal, { status: 403 });
}

/** Why the actor may not give the second approval (they gave the first), or null. */
export function secondApprovalRefusal(actor: Pick<Actor, 'userId'>, firstApprover: PersonId, what: string): string | null {
  if (!isSamePerson(actor, firstApprover)) return null;
  return `You approved ${what} already; the second approval must come from another person`;
}

/** Two approvals are two people: 403 `maker_checker` for the first approver approving again. */
export function assertSecondApprover(actor: Pick<Actor, 'userId'>, firstApprover: PersonId, what: string): void {
  const refusal = secondApprovalRefusal(actor, firstApprover, what);
  if (refusal) throw new DomainError('maker_checker', refusal, { status: 403 });
}

export interface ThresholdRule {
  amount: Big;
  /** SPEC 1: the controller threshold (settings `release.controller_threshold`) */
  threshold: Big;
  currency: string;
  /** who gave the first approval, if anyone has */
  firstApprover: PersonId;
  /** what is approved, plural, for the message: "Releases" */
  what: string;
  /** the permission the final approval above the threshold needs */
  permission?: Permission;
}

/** SPEC 1: an amount above the controller threshold needs a controller's approval as well. */
export function needsController(amount: Big, threshold: Big): boolean {
  return amount.gt(threshold);
}

/**
 * Which approval this one is: `final` (it posts), or `first` of two — above the controller
 * threshold a first approval is recorded, and the second, by another person (`assertSecondApprover`),
 * must hold `release.approve_large` (a controller): 403 `controller_required` otherwise.
 */
export function approvalStep(actor: Pick<Actor, 'role'>, rule: ThresholdRule): 'first' | 'final' {
  if (!needsController(rule.amount, rule.threshold)) return 'final';
  if (rule.firstApprover === null || rule.firstApprover === undefined) return 'first';
  if (!can(actor, rule.permission ?? 'release.approve_large')) {
    throw new DomainError(
      'controller_required',
      `${rule.what} above ${formatMoney(rule.threshold, rule.currency)} ${rule.currency} need a controller's approval as well`,
      { status: 403 },
    );
  }
  return 'final';
}

const REASON = text('Reason', { max: 2000 });

/**
 * A rejection needs a reason: the reason, trimmed — or 400 `reason_required` naming the field
 * (400 `invalid_input` for one that is too long or holds characters that cannot be stored).
 */
export function requireReason(reason: unknown): string {
  const parsed = REASON.safeParse(reason);
  if (parsed.success) return parsed.data;
  if (reason === undefined || reason === null || (typeof reason === 'string' && reason.trim() === '')) {
    throw new DomainError('reason_required', 'A rejection needs a reason', { status: 400, details: { reason: 'Reason is required' } });
  }
  const message = parsed.error.issues[0]?.message ?? 'Reason must be text';
  throw new DomainError('invalid_input', message, { status: 400, details: { reason: message } });
}

import { and, desc, eq, max } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { agreements, clients, invoices } from '../../db/schema';
import { agreementTermsSchema, type AgreementTermsInput } from '../agreements/terms';
import { assertNotMaker, decideRequest, lockPendingRequest, requestApproval } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow } from '../dates';
import { DomainError, notFound, refused } from '../errors';
import { parseInput } from '../validation';
import { getClient, type ClientView } from './index';
import { bandChangeDecided, bandChangeOf, startBandChange } from '../risk/proposals';
import { requestEscrowOnClose } from '../releases/escrow';

/**
 * SPEC 2 onboarding: prospect → pending_review → active → suspended → closed. The KYB checklist
 * must be complete before activation, and the review is done by an underwriter other than the
 * one who entered the client (maker-checker through the approval queue).
 */
export const KYB_ITEMS = [
  { key: 'certificate_of_incorporation', label: 'Certificate of incorporation' },
  { key: 'beneficial_owners', label: 'Beneficial owners identified' },
  { key: 'sanctions_screening', label: 'Sanctions and PEP screening clear' },
  { key: 'bank_account_verified', label: 'Bank account verified' },
  { key: 'factoring_agreement_signed', label: 'Factoring agreement signed' },
] as const;
export type KybKey = (typeof KYB_ITEMS)[number]['key'];
export type KybState = Partial<Record<KybKey, { done: boolean; by: string; at: string }>>;

export function missingKyb(kyb: KybState): string[] {
  return KYB_ITEMS.filter((item) => !kyb[item.key]?.done).map((item) => item.label);
}

async function lockClient(tx: Tx, clientId: number) {
  const [client] = await tx.db.select().from(clients).where(eq(clients.id, clientId)).for('update');
  if (!client) throw notFound('Client', clientId);
  return client;
}

export async function setKybItem(tx: Tx, clientId: number, key: string, done: boolean, actor: Actor): Promise<KybState> {
  requirePermission(actor, 'client.onboard');
  const item = KYB_ITEMS.find((i) => i.key === key);
  if (!item)
    throw new DomainError('invalid_input', `No KYB item "${key}"`, { status: 400, details: { item: 'Checklist item is not one of the KYB checklist' } });
  const client = await lockClient(tx, clientId);
  if (client.status !== 'prospect')
    throw refused('invalid_state', `${client.name} is ${client.status.replace('_', ' ')}; the checklist is edited while it is a prospect`);
  const before = client.kyb as KybState;
  const after: KybState = { ...before, [key]: { done, by: actor.label, at: new Date().toISOString() } };
  await tx.db.update(clients).set({ kyb: after }).where(eq(clients.id, clientId));
  await recordAudit(tx, actor, {
    action: 'client.kyb',
    targetType: 'client',
    targetId: clientId,
    before: { [key]: before[key as KybKey] ?? null },
    after: { [key]: after[key as KybKey] },
  });
  return after;
}

export async function submitForReview(tx: Tx, clientId: number, actor: Actor): Promise<ClientView> {
  requirePermission(actor, 'client.onboard');
  const client = await lockClient(tx, clientId);
  if (client.status !== 'prospect')
    throw refused('invalid_state', `${client.name} is ${client.status.replace('_', ' ')}; only a prospect is submitted for review`);
  const missing = missingKyb(client.kyb as KybState);
  if (missing.length > 0) throw refused('kyb_incomplete', `The KYB checklist is not complete: ${missing.join(', ')}`, { missing });
  await tx.db.update(clients).set({ status: 'pending_review', submittedBy: actor.userId, statusReason: null }).where(eq(clients.id, clientId));
  await requestApproval(tx, { kind: 'client_activation', targetId: clientId, clientId, summary: `Activate ${client.name} (KYB complete)` }, actor);
  await recordAudit(tx, actor, {
    action: 'client.submit_for_review',
    targetType: 'client',
    targetId: clientId,
    before: { status: client.status },
    after: { status: 'pending_review' },
  });
  return getClient(tx, clientId, actor);
}

/** The second underwriter's review: activate, or return to prospect with a reason. */
export async function reviewClient(tx: Tx, clientId: number, decision: 'activate' | 'return', reason: string | undefined, actor: Actor): Promise<ClientView> {
  requirePermission(actor, 'client.activate');
  const client = await lockClient(tx, clientId);
  if (client.status !== 'pending_review')
    throw new DomainError('invalid_state', `${client.name} is ${client.status.replace('_', ' ')}, not waiting for review`, { status: 409 });
  assertNotMaker(actor, {
    makers: [client.createdBy, client.submittedBy],
    did: 'entered or submitted this client',
    checker: 'another underwriter',
    decide: 'review',
  });
  const request = await lockPendingRequest(tx, 'client_activation', clientId, actor);
  if (decision === 'activate') {
    const missing = missingKyb(client.kyb as KybState);
    if (missing.length > 0) throw refused('kyb_incomplete', `The KYB checklist is not complete: ${missing.join(', ')}`, { missing });
  }
  const status = decision === 'activate' ? 'active' : 'prospect';
  await decideRequest(tx, request.id, decision === 'activate' ? 'approved' : 'rejected', actor, reason);
  await tx.db
    .update(clients)
    .set({ status, reviewedBy: actor.userId, statusReason: decision === 'return' ? reason!.trim() : null })
    .where(eq(clients.id, clientId));
  await recordAudit(tx, actor, {
    action: `client.${decision === 'activate' ? 'activate' : 'return_to_prospect'}`,
    targetType: 'client',
    targetId: clientId,
    before: { status: client.status },
    after: { status, reason: reason ?? null },
  });
  return getClient(tx, clientId, actor);
}

const TRANSITIONS: Record<string, string[]> = {
  suspended: ['active'],
  active: ['suspended'],
  closed: ['prospect', 'pending_review', 'active', 'suspended'],
};

/**
 * Suspend an active client, reactivate a suspended one, or close one for good. Closing requests
 * the client's escrow for release (issue 16 item 3: the end of the relationship), in the same
 * transaction: per currency, what is held and not yet asked for, waiting for another person's
 * approval (lib/releases/escrow.ts requestEscrowOnClose); `escrowReleases` says what was asked.
 */
export async function setClientStatus(
  tx: Tx,
  clientId: number,
  status: 'active' | 'suspended' | 'closed',
  reason: string | undefined,
  actor: Actor,
): Promise<ClientView & { escrowReleases?: { releaseId: number; currency: string; amount: string }[] }> {
  requirePermission(actor, 'client.onboard');
  const client = await lockClient(tx, clientId);
  if (!TRANSITIONS[status]?.includes(client.status)) {
    throw new DomainError('invalid_state', `${client.name} is ${client.status.replace('_', ' ')}; it cannot become ${status}`, { status: 409 });
  }
  if (status !== 'active' && !reason?.trim())
    throw new DomainError('reason_required', `Say why the client is ${status}`, {
      status: 400,
      details: { reason: `Reason is required: say why the client is ${status}` },
    });
  await tx.db
    .update(clients)
    .set({ status, statusReason: reason?.trim() || null })
    .where(eq(clients.id, clientId));
  await recordAudit(tx, actor, {
    action: `client.${status === 'active' ? 'reactivate' : status === 'suspended' ? 'suspend' : 'close'}`,
    targetType: 'client',
    targetId: clientId,
    before: { status: client.status },
    after: { status, reason: reason ?? null },
  });
  if (status === 'closed') {
    const escrowReleases = await requestEscrowOnClose(tx, clientId, reason!.trim(), actor);
    return { ...(await getClient(tx, clientId, actor)), escrowReleases };
  }
  return getClient(tx, clientId, actor);
}

/** The last business date the client was funded on: a new agreement version must start after it. */
async function lastFundingDate(tx: Tx, clientId: number): Promise<string | null> {
  const [row] = await tx.db
    .select({ last: max(invoices.fundingDate) })
    .from(invoices)
    .where(eq(invoices.clientId, clientId));
  return row?.last ?? null;
}

/**
 * A change of terms is a new, effective-dated version waiting for approval (SPEC 2); approved
 * versions are never edited. It must start after the client's last funding, so no funded
 * invoice ever changes the agreement it was bought under.
 */
export async function proposeAgreementChange(
  tx: Tx,
  clientId: number,
  input: { effectiveFrom: unknown; agreement: AgreementTermsInput },
  actor: Actor,
): Promise<{ id: string; version: number; status: string }> {
  requirePermission(actor, 'agreement.propose');
  const client = await lockClient(tx, clientId);
  const effectiveFrom = assertBusinessDateInWindow(input.effectiveFrom, 'Effective date', 'ahead', { field: 'effectiveFrom' });
  const terms = parseInput(agreementTermsSchema, input.agreement ?? {});
  const last = await lastFundingDate(tx, clientId);
  if (last && effectiveFrom <= last) {
    throw refused('rewrites_history', `${client.name} was last funded on ${last}; a new agreement version must start after that`, {
      effectiveFrom: `after ${last}`,
    });
  }
  const pending = await tx.db
    .select({ id: agreements.id })
    .from(agreements)
    .where(and(eq(agreements.clientId, clientId), eq(agreements.status, 'pending_approval')));
  if (pending.length > 0) throw new DomainError('change_pending', `Agreement version ${pending[0]!.id} already waits for approval`, { status: 409 });
  const [latest] = await tx.db
    .select({ version: agreements.version })
    .from(agreements)
    .where(eq(agreements.clientId, clientId))
    .orderBy(desc(agreements.version))
    .limit(1);
  const version = (latest?.version ?? 0) + 1;
  const [row] = await tx.db
    .insert(agreements)
    .values({
      clientId,
      version,
      effectiveFrom,
      status: 'pending_approval',
      model: terms.model,
      advanceRate: terms.advanceRate,
      reserveRate: terms.reserveRate,
      creditLimit: terms.creditLimit,
      concentrationLimit: terms.concentrationLimit,
      terms,
      createdBy: actor.userId,
    })
    .returning({ id: agreements.id });
  await requestApproval(
    tx,
    { kind: 'agreement_change', targetId: row!.id, clientId, summary: `${client.name}: agreement v${version} from ${effectiveFrom}`, details: { terms } },
    actor,
  );
  await recordAudit(tx, actor, {
    action: 'agreement.propose',
    targetType: 'agreement',
    targetId: row!.id,
    after: { clientId: String(clientId), version, effectiveFrom, terms },
  });
  return { id: String(row!.id), version, status: 'pending_approval' };
}

export async function decideAgreementChange(
  tx: Tx,
  agreementId: number,
  decision: 'approve' | 'reject',
  reason: string | undefined,
  actor: Actor,
): Promise<{ id: string; version: number; status: string }> {
  requirePermission(actor, 'agreement.approve');
  const [row] = await tx.db.select().from(agreements).where(eq(agreements.id, agreementId)).for('update');
  if (!row) throw notFound('Agreement version', agreementId);
  if (row.status !== 'pending_approval') throw new DomainError('already_decided', `Agreement version ${row.version} is ${row.status}`, { status: 409 });
  const request = await lockPendingRequest(tx, 'agreement_change', agreementId, actor);
  // Issue 16: a risk band change (proposed by the risk-scores job) starts on the day it is approved.
  const bandChange = await bandChangeOf(tx, agreementId);
  if (decision === 'approve' && bandChange) row.effectiveFrom = await startBandChange(tx, agreementId, row.clientId);
  if (decision === 'approve') {
    const last = await lastFundingDate(tx, row.clientId);
    if (last && row.effectiveFrom <= last) throw refused('rewrites_history', `The client was funded on ${last} since; this version would start before that`);
  }
  const status = decision === 'approve' ? 'approved' : 'rejected';
  await decideRequest(tx, request.id, status, actor, reason);
  await tx.db
    .update(agreements)
    .set({ status, approvedBy: decision === 'approve' ? actor.userId : null, approvedAt: decision === 'approve' ? new Date() : null })
    .where(eq(agreements.id, agreementId));
  await recordAudit(tx, actor, {
    action: `agreement.${decision}`,
    targetType: 'agreement',
    targetId: agreementId,
    before: { status: row.status },
    after: { status, reason: reason ?? null, ...(bandChange ? { effectiveFrom: row.effectiveFrom } : {}) },
  });
  if (bandChange) await bandChangeDecided(tx, bandChange, row, status, reason?.trim() || null);
  return { id: String(row.id), version: row.version, status };
}

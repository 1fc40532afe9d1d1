import { z } from 'zod';
import type { Tx } from '../../db/client';
import { MAKER_RULES, assertNotMaker, decideRequest, lockPendingRequest, makerRefusal, requestApproval, requireReason, type PersonId } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError, conflict, notFound, unknownId } from '../errors';
import { carryPairLimitsOnMerge } from '../intake/pair-limits';
import { moneyOut } from '../money';
import { parseInput } from '../validation';
import { id, text } from '../validation/fields';
import { debtorMerges, type DebtorMergeView } from './detail';

/**
 * Issue 13: merging duplicate debtors, maker-checker (SPEC 1). Someone with `debtor.merge_request`
 * proposes "merge debtor B into A" with a reason; someone else with `debtor.merge_approve` approves
 * (or rejects with a reason). On approval, in one transaction and set-based:
 *
 * - B's invoices move to A (`invoices.debtor_id`): they keep their ids, so every journal entry and
 *   line that names them is untouched — the ledger is not rewritten; the roll-ups of exposure,
 *   days to pay and dilution move with them (migration 0019's triggers);
 * - B's payments, payer aliases (a name A has already is kept once), notices of assignment (a client
 *   with a notice for both keeps A's, its empty dates filled from B's) and misdirected payments move
 *   to A; B's open concentration alerts are resolved (the exposure is A's now: the concentration
 *   check runs after the merge and opens A's if A is near or over a limit);
 * - A keeps its own credit limit and risk rating (B's are recorded in the merge's audit event, not
 *   added): A's exposure now includes B's, so a funding may be held against A's limit;
 * - issue 16: each client's client–debtor limit and active override on B apply to the pair
 *   client–A (lib/intake/pair-limits.ts carryPairLimitsOnMerge: the LOWER of two limits, the
 *   LOWER of two overrides; new rows and revocation rows, the history kept);
 * - B is marked merged into A (`debtors.merged_into_id`), never deleted: its page points at A.
 *
 * Invoice numbers are unique per client and debtor (SPEC 5.1). When a client has an invoice with
 * the same number under both debtors, the merge is refused (409 `invoice_numbers_collide`), naming
 * them — at the proposal and again at the approval.
 */

export const mergeRequestSchema = z.object({
  intoDebtorId: id('Debtor to merge into'),
  reason: text('Reason', { max: 2000 }),
});

const MAKER = MAKER_RULES.debtorMerge;

interface DebtorRow {
  id: string;
  name: string;
  credit_limit: string;
  risk_rating: string;
  merged_into_id: string | null;
}

/** Both debtors, locked in id order (a merge and an edit of either never interleave). */
async function lockDebtors(tx: Tx, ids: number[]): Promise<Map<string, DebtorRow>> {
  const rows = await tx.sql<DebtorRow[]>`
    select id::text, name, credit_limit, risk_rating, merged_into_id::text from debtors where id = any(${ids}::bigint[]) order by id for update`;
  return new Map(rows.map((r) => [r.id, r]));
}

function assertMergeable(from: DebtorRow, into: DebtorRow): void {
  if (from.merged_into_id)
    throw conflict('debtor_merged', `${from.name} (#${from.id}) was merged into debtor #${from.merged_into_id} already`, { debtorId: from.id });
  if (into.merged_into_id)
    throw conflict('debtor_merged', `${into.name} (#${into.id}) was merged into debtor #${into.merged_into_id}; merge ${from.name} into that debtor instead`, {
      intoDebtorId: into.id,
    });
}

export interface Collision {
  number: string;
  clientId: string;
  clientName: string;
  invoiceId: string;
  intoInvoiceId: string;
}

/** Invoices of B whose client has the same number under A (SPEC 5.1 keeps numbers unique per client and debtor). */
export async function collidingInvoices(tx: Tx, fromId: number, intoId: number, limit = 20): Promise<{ collisions: Collision[]; more: boolean }> {
  const rows = await tx.sql<{ number: string; client_id: string; client_name: string; invoice_id: string; into_invoice_id: string }[]>`
    select b.number, b.client_id::text, c.name as client_name, b.id::text as invoice_id, a.id::text as into_invoice_id
      from invoices b
      join invoices a on a.client_id = b.client_id and a.debtor_id = ${intoId} and a.number = b.number
      join clients c on c.id = b.client_id
     where b.debtor_id = ${fromId}
     order by b.client_id, b.number
     limit ${limit + 1}`;
  return {
    collisions: rows.slice(0, limit).map((r) => ({
      number: r.number,
      clientId: r.client_id,
      clientName: r.client_name,
      invoiceId: r.invoice_id,
      intoInvoiceId: r.into_invoice_id,
    })),
    more: rows.length > limit,
  };
}

async function assertNoCollisions(tx: Tx, from: DebtorRow, into: DebtorRow): Promise<void> {
  const { collisions, more } = await collidingInvoices(tx, Number(from.id), Number(into.id));
  if (collisions.length === 0) return;
  const named = collisions.map((c) => `${c.number} (${c.clientName})`).join(', ');
  throw conflict(
    'invoice_numbers_collide',
    `${from.name} cannot be merged into ${into.name}: the same client has an invoice with the same number under both — ${named}${more ? ' and more' : ''}. ` +
      'Correct those invoice numbers first (an invoice number is unique per client and debtor).',
    { collisions },
  );
}

/** Proposes merging debtor `debtorId` into `intoDebtorId` (201: pending until someone else approves). */
export async function requestDebtorMerge(tx: Tx, debtorId: number, input: unknown, actor: Actor): Promise<DebtorMergeView> {
  requirePermission(actor, 'debtor.merge_request');
  const data = parseInput(mergeRequestSchema, input);
  if (data.intoDebtorId === debtorId)
    throw new DomainError('invalid_input', 'A debtor cannot be merged into itself', { status: 400, details: { intoDebtorId: 'must be another debtor' } });
  const found = await lockDebtors(tx, [debtorId, data.intoDebtorId]);
  const from = found.get(String(debtorId));
  if (!from) throw notFound('Debtor', debtorId);
  const into = found.get(String(data.intoDebtorId));
  if (!into) throw unknownId('intoDebtorId', 'Debtor', data.intoDebtorId);
  assertMergeable(from, into);
  const [pending] = await tx.sql<{ id: string; into_debtor_id: string }[]>`
    select id::text, into_debtor_id::text from debtor_merges where debtor_id = ${debtorId} and status = 'pending'`;
  if (pending)
    throw conflict('merge_pending', `A merge of ${from.name} into debtor #${pending.into_debtor_id} waits for approval already (request ${pending.id})`, {
      mergeId: pending.id,
    });
  await assertNoCollisions(tx, from, into);
  const [row] = await tx.sql<{ id: string }[]>`
    insert into debtor_merges (debtor_id, into_debtor_id, reason, requested_by)
    values (${debtorId}, ${data.intoDebtorId}, ${data.reason}, ${actor.userId ?? 0})
    returning id::text`;
  const mergeId = Number(row!.id);
  await requestApproval(
    tx,
    {
      kind: 'debtor_merge',
      targetId: mergeId,
      summary: `Merge debtor ${from.name} (#${from.id}) into ${into.name} (#${into.id})`,
      details: { debtorId: from.id, intoDebtorId: into.id, reason: data.reason },
    },
    actor,
  );
  const [view] = await debtorMerges(tx, { mergeId });
  await recordAudit(tx, actor, [
    { action: 'debtor.merge_request', targetType: 'debtor', targetId: debtorId, after: view },
    { action: 'debtor.merge_request', targetType: 'debtor_merge', targetId: mergeId, after: view },
  ]);
  return view!;
}

/** Why this person may not decide the merge (they proposed it), or null — for pages. */
export function mergeDecisionRefusal(actor: Pick<Actor, 'userId'>, requestedBy: PersonId): string | null {
  return makerRefusal(actor, { ...MAKER, makers: [requestedBy] });
}

/** The pending merge, locked: it exists (404), waits (409 `already_decided`), and the actor did not propose it (403 `maker_checker`). */
async function lockMerge(tx: Tx, mergeId: number, actor: Actor) {
  const [exists] = await tx.sql<{ id: string }[]>`select id::text from debtor_merges where id = ${mergeId}`;
  if (!exists) throw notFound('Debtor merge', mergeId);
  // The queue's row first (who requested it, decided already?), as every maker-checker decision does.
  await lockPendingRequest(tx, 'debtor_merge', mergeId, actor);
  const [merge] = await tx.sql<{ id: string; debtor_id: string; into_debtor_id: string; status: string; requested_by: string }[]>`
    select id::text, debtor_id::text, into_debtor_id::text, status, requested_by::text from debtor_merges where id = ${mergeId} for update`;
  if (merge!.status !== 'pending') throw conflict('already_decided', `This debtor merge was ${merge!.status} already`);
  assertNotMaker(actor, { ...MAKER, makers: [merge!.requested_by] });
  return merge!;
}

export interface MergeResult extends DebtorMergeView {
  moved: Record<string, number>;
}

/**
 * Approves a pending merge and moves everything of B to A in this transaction. Approving twice
 * (or two people at once) merges once: the second waits for the first's row lock and is told the
 * merge was approved already (409 `already_decided`).
 */
export async function approveDebtorMerge(tx: Tx, mergeId: number, actor: Actor): Promise<MergeResult> {
  requirePermission(actor, 'debtor.merge_approve');
  const merge = await lockMerge(tx, mergeId, actor);
  const fromId = Number(merge.debtor_id);
  const intoId = Number(merge.into_debtor_id);
  const found = await lockDebtors(tx, [fromId, intoId]);
  const from = found.get(merge.debtor_id)!;
  const into = found.get(merge.into_debtor_id)!;
  assertMergeable(from, into);
  await assertNoCollisions(tx, from, into);

  // Set-based, one statement per table. Invoices keep their ids: the journal is not touched.
  const invoices = await tx.sql`update invoices set debtor_id = ${intoId} where debtor_id = ${fromId}`;
  const payments = await tx.sql`update payments set debtor_id = ${intoId} where debtor_id = ${fromId}`;
  // issue 15: the cash receipts journal reads an application's debtor from the application (0033)
  await tx.sql`update payment_applications set debtor_id = ${intoId} where debtor_id = ${fromId}`;
  const aliases = await tx.sql`
    insert into payer_aliases (debtor_id, name, learned_from, created_at)
    select ${intoId}, name, learned_from, created_at from payer_aliases where debtor_id = ${fromId}
    on conflict (debtor_id, name) do nothing`;
  await tx.sql`delete from payer_aliases where debtor_id = ${fromId}`;
  // A client with a notice for both keeps the survivor's, its empty dates filled from the duplicate's.
  const noticesFilled = await tx.sql`
    update client_debtors a
       set noa_sent_date = coalesce(a.noa_sent_date, b.noa_sent_date),
           noa_acknowledged_date = case when a.noa_sent_date is null then b.noa_acknowledged_date else coalesce(a.noa_acknowledged_date, b.noa_acknowledged_date) end
      from client_debtors b
     where a.debtor_id = ${intoId} and b.debtor_id = ${fromId} and b.client_id = a.client_id`;
  await tx.sql`
    delete from client_debtors b
     where b.debtor_id = ${fromId} and exists (select 1 from client_debtors a where a.debtor_id = ${intoId} and a.client_id = b.client_id)`;
  const notices = await tx.sql`update client_debtors set debtor_id = ${intoId} where debtor_id = ${fromId}`;
  const misdirected = await tx.sql`update misdirected_payments set debtor_id = ${intoId} where debtor_id = ${fromId}`;
  // Issue 15: a survivor without an AP contact takes the duplicate's (its statements and reminders go there).
  await tx.sql`
    update debtors a set ap_email = b.ap_email, ap_name = b.ap_name
      from debtors b
     where a.id = ${intoId} and b.id = ${fromId} and a.ap_email is null and b.ap_email is not null`;
  const alerts = await tx.sql<{ id: string }[]>`
    update concentration_alerts set status = 'resolved', resolved_at = now()
     where debtor_id = ${fromId} and status = 'open'
    returning id::text`;
  // Issue 16 item 4: B's client–debtor limits and active overrides now apply to client–A (audited there)
  await carryPairLimitsOnMerge(tx, { mergeId, fromId, fromName: from.name, intoId, intoName: into.name }, actor);
  await tx.sql`update debtors set merged_into_id = ${intoId}, merged_at = now() where id = ${fromId}`;

  const moved = {
    invoices: invoices.count,
    payments: payments.count,
    payerAliases: aliases.count,
    noticesMoved: notices.count,
    noticesCombined: noticesFilled.count,
    misdirectedPayments: misdirected.count,
    alertsResolved: alerts.length,
  };
  await tx.sql`
    update debtor_merges set status = 'approved', decided_by = ${actor.userId}, decided_at = now(), moved = ${JSON.stringify(moved)}::jsonb
     where id = ${mergeId}`;
  const request = await tx.sql<{ id: string }[]>`
    select id::text from approval_requests where kind = 'debtor_merge' and target_id = ${mergeId} and status = 'pending'`;
  await decideRequest(tx, Number(request[0]!.id), 'approved', actor);
  const [view] = await debtorMerges(tx, { mergeId });
  const note = `${from.name} (#${from.id}) merged into ${into.name} (#${into.id}); ${into.name} keeps its credit limit of ${moneyOut(into.credit_limit, 'USD')} USD (${from.name}'s was ${moneyOut(from.credit_limit, 'USD')} USD)`;
  await recordAudit(tx, actor, [
    {
      action: 'debtor.merge',
      targetType: 'debtor',
      targetId: fromId,
      before: { mergedIntoId: null, creditLimit: moneyOut(from.credit_limit, 'USD'), riskRating: from.risk_rating },
      after: { mergedIntoId: String(intoId), mergeId: String(mergeId), moved, note },
    },
    {
      action: 'debtor.merge',
      targetType: 'debtor',
      targetId: intoId,
      before: { creditLimit: moneyOut(into.credit_limit, 'USD'), riskRating: into.risk_rating },
      after: {
        creditLimit: moneyOut(into.credit_limit, 'USD'),
        riskRating: into.risk_rating,
        mergedFromId: String(fromId),
        mergeId: String(mergeId),
        moved,
        note,
      },
    },
    { action: 'debtor_merge.approve', targetType: 'debtor_merge', targetId: mergeId, before: { status: 'pending' }, after: view },
    ...alerts.map((a) => ({
      action: 'concentration.resolve',
      targetType: 'concentration_alert',
      targetId: a.id,
      before: { status: 'open' },
      after: { status: 'resolved', reason: `debtor merged into ${into.name} (#${into.id}); the next check looks at the survivor` },
    })),
  ]);
  return { ...view!, moved };
}

/** Rejects a pending merge with a reason (someone other than its maker). */
export async function rejectDebtorMerge(tx: Tx, mergeId: number, input: { reason?: unknown }, actor: Actor): Promise<DebtorMergeView> {
  requirePermission(actor, 'debtor.merge_approve');
  const reason = requireReason(input.reason);
  await lockMerge(tx, mergeId, actor);
  await tx.sql`
    update debtor_merges set status = 'rejected', decided_by = ${actor.userId}, decided_at = now(), decision_reason = ${reason} where id = ${mergeId}`;
  const request = await tx.sql<{ id: string }[]>`
    select id::text from approval_requests where kind = 'debtor_merge' and target_id = ${mergeId} and status = 'pending'`;
  await decideRequest(tx, Number(request[0]!.id), 'rejected', actor, reason);
  const [view] = await debtorMerges(tx, { mergeId });
  await recordAudit(tx, actor, { action: 'debtor_merge.reject', targetType: 'debtor_merge', targetId: mergeId, before: { status: 'pending' }, after: view });
  return view!;
}

/** One merge (404 when there is none). */
export async function getDebtorMerge(tx: Tx, mergeId: number, actor: Actor): Promise<DebtorMergeView> {
  requirePermission(actor, 'staff.read');
  const [view] = await debtorMerges(tx, { mergeId });
  if (!view) throw notFound('Debtor merge', mergeId);
  return view;
}

import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { clientDebtors, clients, debtors, invoices } from '../../db/schema';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { moneyOut } from '../money';
import { parseInput } from '../validation';
import { businessDate, id, money, optional, text } from '../validation/fields';
import { assertBusinessDateInWindow } from '../dates';
import { DomainError, notFound, unknownId } from '../errors';

/** A debtor as API.md POST /debtors sends it; each error names its field's label. */
export const createDebtorSchema = z.object({
  name: text('Debtor name', { max: 200 }),
  creditLimit: money('Credit limit'),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

/** A debtor's credit limit and risk rating; an absent field stays as it is. */
export const updateDebtorSchema = z.object({
  creditLimit: optional(money('Credit limit')),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

export interface DebtorView {
  id: string;
  name: string;
  creditLimit: string;
  riskRating: string;
}

/** 422 `debtor_merged`: a debtor merged into another is edited, noticed and invoiced as the survivor. */
function mergedRefusal(debtor: { id: number; name: string; mergedIntoId: number | null }): DomainError {
  return new DomainError('debtor_merged', `${debtor.name} (debtor ${debtor.id}) was merged into debtor ${debtor.mergedIntoId}; use that debtor instead`, {
    status: 422,
    details: { debtorId: `was merged into debtor ${debtor.mergedIntoId}` },
  });
}

export async function createDebtor(tx: Tx, input: z.input<typeof createDebtorSchema>, actor: Actor): Promise<DebtorView> {
  requirePermission(actor, 'debtor.edit');
  const data = parseInput(createDebtorSchema, input);
  const [row] = await tx.db
    .insert(debtors)
    .values({ name: data.name, creditLimit: data.creditLimit, riskRating: data.riskRating ?? 'unrated' })
    .returning();
  const view = { id: String(row!.id), name: row!.name, creditLimit: moneyOut(row!.creditLimit, 'USD'), riskRating: row!.riskRating };
  await recordAudit(tx, actor, { action: 'debtor.create', targetType: 'debtor', targetId: row!.id, after: view });
  return view;
}

export interface DebtorSummary extends DebtorView {
  openInvoices: number;
}

/**
 * Every debtor not merged into another (up to DEBTOR_OPTIONS_CAP), by name, with its open invoices
 * (from the roll-up debtor_figures_now, never a pass over the invoices). No screen reads it (issue
 * 13: debtors are picked by typing — app/_components/debtor-picker.tsx, fed by the debtors list
 * API); lists people page through are lib/debtors/lists.ts's.
 */
export async function listDebtors(tx: Tx): Promise<DebtorSummary[]> {
  const rows = await tx.sql<{ id: string; name: string; credit_limit: string; risk_rating: string; open: number }[]>`
    select d.id::text, d.name, d.credit_limit, d.risk_rating, coalesce(f.open_invoices, 0) as open
      from debtors d left join debtor_figures_now f on f.debtor_id = d.id
     where d.merged_into_id is null
     order by lower(d.name), d.id
     limit ${DEBTOR_OPTIONS_CAP}`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    creditLimit: moneyOut(r.credit_limit, 'USD'),
    riskRating: r.risk_rating,
    openInvoices: r.open,
  }));
}

/** The most debtors listDebtors returns. */
export const DEBTOR_OPTIONS_CAP = 5_000;

export const noaSchema = z
  .object({
    debtorId: id('Debtor'),
    sentDate: optional(businessDate('Notice sent date')),
    acknowledgedDate: optional(businessDate('Notice acknowledged date')),
  })
  .superRefine((v, ctx) => {
    if (v.acknowledgedDate && !v.sentDate)
      ctx.addIssue({ code: 'custom', path: ['sentDate'], message: 'Notice sent date is required: a notice is sent before it is acknowledged' });
    if (v.acknowledgedDate && v.sentDate && v.acknowledgedDate < v.sentDate)
      ctx.addIssue({ code: 'custom', path: ['acknowledgedDate'], message: `Notice acknowledged date must not be before the sent date (${v.sentDate})` });
  });

export interface NoaView {
  clientId: string;
  debtorId: string;
  debtorName: string;
  sentDate: string | null;
  acknowledgedDate: string | null;
}

/** Notice of assignment for a client–debtor pair (SPEC 2): sent and acknowledged dates. */
export async function recordNoa(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<NoaView> {
  requirePermission(actor, 'debtor.edit');
  const data = parseInput(noaSchema, input);
  if (data.sentDate) assertBusinessDateInWindow(data.sentDate, 'Notice sent date', 'happened', { field: 'sentDate' });
  if (data.acknowledgedDate) assertBusinessDateInWindow(data.acknowledgedDate, 'Notice acknowledged date', 'happened', { field: 'acknowledgedDate' });
  const [client] = await tx.db.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  if (!client) throw notFound('Client', clientId);
  const [debtor] = await tx.db.select().from(debtors).where(eq(debtors.id, data.debtorId));
  if (!debtor) throw unknownId('debtorId', 'Debtor', data.debtorId);
  if (debtor.mergedIntoId) throw mergedRefusal(debtor);
  const [before] = await tx.db
    .select()
    .from(clientDebtors)
    .where(and(eq(clientDebtors.clientId, clientId), eq(clientDebtors.debtorId, data.debtorId)));
  await tx.db
    .insert(clientDebtors)
    .values({ clientId, debtorId: data.debtorId, noaSentDate: data.sentDate ?? null, noaAcknowledgedDate: data.acknowledgedDate ?? null })
    .onConflictDoUpdate({
      target: [clientDebtors.clientId, clientDebtors.debtorId],
      set: { noaSentDate: data.sentDate ?? null, noaAcknowledgedDate: data.acknowledgedDate ?? null },
    });
  const view: NoaView = {
    clientId: String(clientId),
    debtorId: String(debtor.id),
    debtorName: debtor.name,
    sentDate: data.sentDate ?? null,
    acknowledgedDate: data.acknowledgedDate ?? null,
  };
  await recordAudit(tx, actor, {
    action: 'debtor.noa',
    targetType: 'client',
    targetId: clientId,
    before: before ? { debtorId: String(before.debtorId), sentDate: before.noaSentDate, acknowledgedDate: before.noaAcknowledgedDate } : null,
    after: view,
  });
  return view;
}

/**
 * Every debtor the client has invoices with (the client's rows of the roll-up debtor_exposure_now) or
 * a notice for, with the notice dates — from the client's own rows, never a probe per debtor.
 */
export async function listNoas(tx: Tx, clientId: number): Promise<NoaView[]> {
  const rows = await tx.sql<{ debtor_id: string; name: string; sent: string | null; ack: string | null }[]>`
    select d.id::text as debtor_id, d.name, cd.noa_sent_date::text as sent, cd.noa_acknowledged_date::text as ack
      from (select debtor_id from debtor_exposure_now where client_id = ${clientId} and invoices > 0
            union
            select debtor_id from client_debtors where client_id = ${clientId}) k
      join debtors d on d.id = k.debtor_id
      left join client_debtors cd on cd.debtor_id = d.id and cd.client_id = ${clientId}
     order by lower(d.name), d.id`;
  return rows.map((r) => ({ clientId: String(clientId), debtorId: r.debtor_id, debtorName: r.name, sentDate: r.sent, acknowledgedDate: r.ack }));
}

/** `reverse` agreements: the debtor approved this invoice for payment (recorded before funding). */
export async function recordDebtorApproval(
  tx: Tx,
  invoiceId: number,
  input: { date?: unknown },
  actor: Actor,
): Promise<{ invoiceId: string; debtorApprovedDate: string }> {
  requirePermission(actor, 'debtor.approval');
  const date = assertBusinessDateInWindow(input.date, 'Debtor approval date', 'happened', { field: 'date' });
  const [invoice] = await tx.db.select().from(invoices).where(eq(invoices.id, invoiceId)).for('update');
  if (!invoice) throw notFound('Invoice', invoiceId);
  if (invoice.fundingDate) throw new DomainError('already_funded', `Invoice ${invoice.number} is funded already`, { status: 409 });
  await tx.db.update(invoices).set({ debtorApprovedDate: date }).where(eq(invoices.id, invoiceId));
  await recordAudit(tx, actor, {
    action: 'invoice.debtor_approval',
    targetType: 'invoice',
    targetId: invoiceId,
    before: { debtorApprovedDate: invoice.debtorApprovedDate },
    after: { debtorApprovedDate: date },
  });
  return { invoiceId: String(invoiceId), debtorApprovedDate: date };
}

export async function updateDebtor(tx: Tx, debtorId: number, input: { creditLimit?: unknown; riskRating?: unknown }, actor: Actor): Promise<DebtorView> {
  requirePermission(actor, 'debtor.edit');
  const data = parseInput(updateDebtorSchema, input);
  const [before] = await tx.db.select().from(debtors).where(eq(debtors.id, debtorId)).for('update');
  if (!before) throw notFound('Debtor', debtorId);
  if (before.mergedIntoId) throw mergedRefusal(before);
  const [row] = await tx.db
    .update(debtors)
    .set({ ...(data.creditLimit ? { creditLimit: data.creditLimit } : {}), ...(data.riskRating ? { riskRating: data.riskRating } : {}) })
    .where(eq(debtors.id, debtorId))
    .returning();
  const view = { id: String(row!.id), name: row!.name, creditLimit: moneyOut(row!.creditLimit, 'USD'), riskRating: row!.riskRating };
  await recordAudit(tx, actor, {
    action: 'debtor.update',
    targetType: 'debtor',
    targetId: debtorId,
    before: { creditLimit: moneyOut(before.creditLimit, 'USD'), riskRating: before.riskRating },
    after: view,
  });
  return view;
}

import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { clients, debtors, invoices } from '../../db/schema';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, isBusinessDate } from '../dates';
import { DomainError, conflict, notFound, refused, unknownId } from '../errors';
import { fundableCurrencies } from '../clients';
import { feeToDateSql } from '../ledger/accrual';
import { Big, moneyOut, parseMoney } from '../money';
import { currencyField, parseInput } from '../validation';
import { raiseIntakeFlags } from '../intake/flags';
import { latestOutcomes } from '../verifications';
import { OUTCOME_SHORT, isPositiveOutcome } from '../verifications/labels';

const id = (field: string) =>
  z.union([z.string(), z.number()], { error: `${field} is required` }).transform((v, ctx) => {
    const text = String(v);
    if (!/^[1-9]\d{0,15}$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'must be an id' });
      return z.NEVER;
    }
    return Number(text);
  });
const date = z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' });

export const createInvoiceSchema = z
  .object({
    clientId: id('clientId'),
    debtorId: id('debtorId'),
    number: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(80),
    faceValue: z.string({ error: 'must be a decimal string such as "10000.00"' }),
    currency: currencyField(),
    issueDate: date,
    dueDate: date,
  })
  .superRefine((v, ctx) => {
    if (v.dueDate < v.issueDate) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'must not be before issueDate' });
  });

export interface InvoiceView {
  id: string;
  clientId: string;
  debtorId: string;
  number: string;
  currency: string;
  status: string;
  faceValue: string;
  advance: string;
  reserve: string;
  outstanding: string;
  feesAccrued: string;
  issueDate: string;
  dueDate: string;
  fundingDate: string | null;
  settledDate: string | null;
  debtorApprovedDate: string | null;
}

type InvoiceRow = typeof invoices.$inferSelect;

/**
 * The invoice as API.md shows it. `reserve` is what is still held on the invoice and
 * `outstanding` what the debtor still owes, both read from the invoice's sub-ledger;
 * `feesAccrued` the fee accrued to date (frozen once the invoice is paid), from the invoice's
 * accrual state (feeToDateSql): no read of its accrual history, however long.
 */
export async function invoiceView(tx: Tx, row: InvoiceRow): Promise<InvoiceView> {
  const [sums] = await tx.sql<{ receivable: string | null; reserve: string | null; fees: string | null }[]>`
    select sum(l.amount) filter (where a.code = 'receivable') as receivable,
           sum(l.amount) filter (where a.code = 'reserve') as reserve,
           (${feeToDateSql(tx.sql, row.id)}) as fees
      from journal_lines l join ledger_accounts a on a.id = l.account_id
     where l.invoice_id = ${row.id} and not l.accrual`;
  const funded = row.fundingDate !== null;
  const c = row.currency;
  return {
    id: String(row.id),
    clientId: String(row.clientId),
    debtorId: String(row.debtorId),
    number: row.number,
    currency: c,
    status: row.status,
    faceValue: moneyOut(row.faceValue, c),
    advance: moneyOut(row.advance, c),
    reserve: moneyOut(new Big(sums?.reserve ?? 0).times(-1), c),
    outstanding: funded ? moneyOut(sums?.receivable ?? null, c) : moneyOut(row.faceValue, c),
    feesAccrued: moneyOut(sums?.fees ?? null, c),
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    fundingDate: row.fundingDate,
    settledDate: row.settledDate,
    debtorApprovedDate: row.debtorApprovedDate,
  };
}

/** Issue 16 item 5: the intake flags raised at entry (likely duplicates, fraud signs); each holds funding until cleared. */
export type CreatedInvoice = InvoiceView & { flags: { kind: string; detail: string }[] };

export async function createInvoice(tx: Tx, input: unknown, actor: Actor): Promise<CreatedInvoice> {
  requirePermission(actor, 'invoice.create');
  const data = parseInput(createInvoiceSchema, input);
  const face = parseMoney(data.faceValue, data.currency, { field: 'faceValue' });
  if (face.lte(0))
    throw new DomainError('invalid_input', 'faceValue must be more than zero', { status: 400, details: { faceValue: 'must be more than zero' } });
  // Issue 16 item 5: an issue date after today is taken and flagged (future_issue_date), not refused
  assertBusinessDateInWindow(data.issueDate, 'Issue date', 'ahead', { field: 'issueDate' });
  assertBusinessDateInWindow(data.dueDate, 'Due date', 'ahead', { field: 'dueDate' });
  const [client] = await tx.db.select().from(clients).where(eq(clients.id, data.clientId));
  if (!client) throw unknownId('clientId', 'Client', data.clientId);
  // Key-share lock (what the invoice's foreign key takes anyway, taken before reading): a merge
  // approving meanwhile locks the debtor for update, so this waits for it and reads the debtor as
  // merged; or, locked here first, the merge waits and moves this invoice with the rest. Read
  // unlocked, an invoice could land on the debtor just after its merge moved everything away.
  const [debtor] = await tx.db
    .select({ id: debtors.id, name: debtors.name, mergedIntoId: debtors.mergedIntoId })
    .from(debtors)
    .where(eq(debtors.id, data.debtorId))
    .for('key share');
  if (!debtor) throw unknownId('debtorId', 'Debtor', data.debtorId);
  // Issue 13: a debtor merged into another takes no new invoices; they go to the survivor.
  if (debtor.mergedIntoId)
    throw refused('debtor_merged', `${debtor.name} (debtor ${debtor.id}) was merged into debtor ${debtor.mergedIntoId}; enter the invoice for that debtor`, {
      debtorId: `was merged into debtor ${debtor.mergedIntoId}`,
    });
  const allowed = await fundableCurrencies(tx, client);
  if (!allowed.includes(data.currency)) {
    throw refused('currency_not_allowed', `Invoice ${data.number} is in ${data.currency}; ${client.name}'s agreement funds ${allowed.join(', ')}`, {
      currency: `must be one of ${allowed.join(', ')}`,
    });
  }
  const inserted = await tx.db
    .insert(invoices)
    .values({
      clientId: data.clientId,
      debtorId: data.debtorId,
      number: data.number,
      currency: data.currency,
      faceValue: face.toString(),
      issueDate: data.issueDate,
      dueDate: data.dueDate,
      createdBy: actor.userId,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    // SPEC 5.1: a duplicate number per client–debtor is refused.
    throw conflict('duplicate_invoice', `Invoice ${data.number} exists already for this client and debtor`, { number: data.number });
  }
  const view = await invoiceView(tx, inserted[0]!);
  await recordAudit(tx, actor, { action: 'invoice.create', targetType: 'invoice', targetId: view.id, after: view });
  const flags = await raiseIntakeFlags(tx, [inserted[0]!.id], { at: 'entry' }, actor);
  return { ...view, flags: flags.map((f) => ({ kind: f.kind, detail: f.detail })) };
}

export async function getInvoice(tx: Tx, invoiceId: number, actor: Actor): Promise<InvoiceView> {
  const [row] = await tx.db.select().from(invoices).where(eq(invoices.id, invoiceId));
  if (!row) throw notFound('Invoice', invoiceId);
  assertClientScope(actor, row.clientId, 'Invoice');
  return invoiceView(tx, row);
}

export async function verifyInvoice(tx: Tx, invoiceId: number, actor: Actor): Promise<InvoiceView> {
  requirePermission(actor, 'invoice.verify');
  const [before] = await tx.db.select().from(invoices).where(eq(invoices.id, invoiceId)).for('update');
  if (!before) throw notFound('Invoice', invoiceId);
  if (before.status === 'verified') return invoiceView(tx, before);
  if (before.status !== 'submitted') throw refused('invalid_state', `Invoice ${before.number} is ${before.status}; only a submitted invoice can be verified`);
  // Issue 15: the status follows the latest verification record; one that is not positive is
  // answered by a new record (lib/verifications), not overruled by a bare verify.
  const latest = (await latestOutcomes(tx, [invoiceId])).get(invoiceId);
  if (latest !== undefined && !isPositiveOutcome(latest)) {
    throw refused(
      'verification_not_positive',
      `Invoice ${before.number}'s latest verification is "${OUTCOME_SHORT[latest]}"; record a new verification (POST /api/v1/verifications) to verify it`,
    );
  }
  const [after] = await tx.db
    .update(invoices)
    .set({ status: 'verified', verifiedBy: actor.userId, verifiedAt: new Date() })
    .where(and(eq(invoices.id, invoiceId), eq(invoices.status, 'submitted')))
    .returning();
  const view = await invoiceView(tx, after!);
  await recordAudit(tx, actor, {
    action: 'invoice.verify',
    targetType: 'invoice',
    targetId: invoiceId,
    before: { status: before.status },
    after: { status: 'verified' },
  });
  return view;
}

export interface InvoiceListItem {
  id: string;
  number: string;
  clientId: string;
  clientName: string;
  debtorName: string;
  currency: string;
  faceValue: string;
  status: string;
  issueDate: string;
  dueDate: string;
  fundingDate: string | null;
}

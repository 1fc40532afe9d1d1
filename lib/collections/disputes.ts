import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { AgreementTerms } from '../agreements/terms';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, isBusinessDate, todayIn } from '../dates';
import { DomainError, notFound, refused } from '../errors';
import { freezeFee, settleInvoice } from '../fees/settlement';
import { postEntries } from '../ledger/post';
import { Big, formatMoney, moneyOut, parseMoney } from '../money';
import { parseInput } from '../validation';
import { chargeToClient, reserveHeld, type ChargeResult } from './charges';

type OpenInvoice = {
  id: string;
  number: string;
  client_id: string;
  currency: string;
  face_value: string;
  outstanding: string;
  status: string;
  funding_date: string | null;
  terms: AgreementTerms | null;
};

/** Locks an invoice and its client (charges draw on the client's reserve). */
async function lockInvoice(tx: Tx, invoiceId: number): Promise<OpenInvoice> {
  const [inv] = await tx.sql<OpenInvoice[]>`
    select i.id, i.number, i.client_id, i.currency, i.face_value, i.outstanding, i.status, i.funding_date, a.terms
      from invoices i left join agreements a on a.id = i.agreement_id where i.id = ${invoiceId}`;
  if (!inv) throw notFound('Invoice', invoiceId);
  await tx.sql`select id from clients where id = ${inv.client_id} for update`;
  const [fresh] = await tx.sql<{ outstanding: string; status: string }[]>`select outstanding, status from invoices where id = ${invoiceId} for update`;
  return { ...inv, outstanding: fresh!.outstanding, status: fresh!.status };
}

/**
 * An event on an invoice is dated on or after the day the factor bought it: a dispute, a
 * resolution, a chargeback or a write-off dated earlier would post before the purchase.
 */
function assertNotBeforeFunding(inv: OpenInvoice, date: string, label: string, what: string): void {
  if (inv.funding_date !== null && date < inv.funding_date) {
    throw refused(
      'before_funding',
      `${label} ${date} is before invoice ${inv.number} was funded on ${inv.funding_date}; it cannot be ${what} before the factor bought it`,
      {
        invoiceId: inv.id,
        date: `must be on or after ${inv.funding_date}`,
        fundingDate: inv.funding_date,
      },
    );
  }
}

export interface DisputeView {
  id: string;
  invoiceId: string;
  amount: string;
  reason: string;
  status: string;
  outcome: string | null;
  openedDate: string;
  resolvedDate: string | null;
}

const disputeSchema = z.object({
  amount: z.string({ error: 'must be a decimal string' }),
  reason: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(2000),
  date: z.string().refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }).optional(),
});

/** SPEC 5.2: a disputed invoice is held and its reserve locked from release until resolved. */
export async function openDispute(tx: Tx, invoiceId: number, input: unknown, actor: Actor, options: { skipRole?: boolean } = {}): Promise<DisputeView> {
  if (!options.skipRole) requirePermission(actor, 'dispute.open');
  const data = parseInput(disputeSchema, input);
  const inv = await lockInvoice(tx, invoiceId);
  const amount = parseMoney(data.amount, inv.currency, { field: 'amount' });
  if (inv.status !== 'funded') throw refused('invoice_not_open', `Invoice ${inv.number} is ${inv.status}; only an open funded invoice can be disputed`);
  if (amount.lte(0) || amount.gt(inv.outstanding)) {
    throw new DomainError('invalid_input', `The disputed amount must be more than zero and at most the ${moneyOut(inv.outstanding, inv.currency)} still owed`, {
      status: 400,
      details: { amount: 'out of range' },
    });
  }
  // A short pay disputed on application is dated with its payment, checked when it was received.
  const openedDate =
    data.date === undefined ? todayIn() : options.skipRole ? data.date : assertBusinessDateInWindow(data.date, 'Dispute date', 'happened', { field: 'date' });
  assertNotBeforeFunding(inv, openedDate, 'Dispute date', 'disputed');
  const [row] = await tx.sql<{ id: string }[]>`
    insert into disputes (invoice_id, amount, reason, opened_date, opened_by) values (${invoiceId}, ${amount.toString()}, ${data.reason}, ${openedDate}, ${actor.userId})
    returning id`;
  await tx.sql`update invoices set status = 'disputed' where id = ${invoiceId}`;
  const view: DisputeView = {
    id: row!.id,
    invoiceId: String(invoiceId),
    amount: formatMoney(amount, inv.currency),
    reason: data.reason,
    status: 'open',
    outcome: null,
    openedDate,
    resolvedDate: null,
  };
  await recordAudit(tx, actor, { action: 'dispute.open', targetType: 'invoice', targetId: invoiceId, before: { status: inv.status }, after: view });
  return view;
}

const resolveSchema = z.object({
  outcome: z.enum(['paid', 'credit_note', 'chargeback'], { error: 'must be paid, credit_note or chargeback' }),
  amount: z.string().optional(),
  date: z.string().refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }).optional(),
});

/**
 * Resolves a dispute: `paid` (the debtor pays after all: the invoice is open again), `credit_note`
 * (the client credited the debtor: the receivable is reduced at the client's cost) or
 * `chargeback` (charged back to the client). The reserve is unlocked either way.
 */
export async function resolveDispute(
  tx: Tx,
  invoiceId: number,
  disputeId: number,
  input: unknown,
  actor: Actor,
): Promise<{ dispute: DisputeView; charge: ChargeResult | null; invoiceStatus: string }> {
  requirePermission(actor, 'dispute.open');
  const data = parseInput(resolveSchema, input);
  const inv = await lockInvoice(tx, invoiceId);
  const [d] = await tx.sql<{ id: string; amount: string; reason: string; status: string; opened_date: string }[]>`
    select id, amount, reason, status, opened_date from disputes where id = ${disputeId} and invoice_id = ${invoiceId} for update`;
  if (!d) throw notFound('Dispute', disputeId);
  if (d.status !== 'open') throw new DomainError('already_resolved', `Dispute ${disputeId} is resolved already`, { status: 409 });
  const c = inv.currency;
  const amount = data.amount === undefined ? new Big(d.amount) : parseMoney(data.amount, c, { field: 'amount' });
  if (data.outcome !== 'paid' && (amount.lte(0) || amount.gt(inv.outstanding))) {
    throw new DomainError('invalid_input', `The amount must be more than zero and at most the ${moneyOut(inv.outstanding, c)} still owed`, {
      status: 400,
      details: { amount: 'out of range' },
    });
  }
  const date = data.date === undefined ? todayIn() : assertBusinessDateInWindow(data.date, 'Resolution date', 'happened', { field: 'date' });
  assertNotBeforeFunding(inv, date, 'Resolution date', 'resolved');
  if (date < d.opened_date) {
    throw refused('before_dispute', `Resolution date ${date} is before dispute ${disputeId} was opened on ${d.opened_date}`, {
      date: `must be on or after ${d.opened_date}`,
    });
  }
  let charge: ChargeResult | null = null;
  if (data.outcome !== 'paid') {
    charge = await chargeToClient(
      tx,
      {
        kind: data.outcome,
        invoice: { id: invoiceId, number: inv.number, clientId: Number(inv.client_id), currency: c },
        amount,
        date,
        key: `${data.outcome}:${invoiceId}:dispute:${disputeId}`,
        memo: `Dispute on invoice ${inv.number} resolved: ${data.outcome.replace('_', ' ')} of ${formatMoney(amount, c)}`,
      },
      actor,
    );
  }
  await tx.sql`
    update disputes set status = 'resolved', outcome = ${data.outcome}, resolved_amount = ${data.outcome === 'paid' ? null : amount.toString()},
                        resolved_date = ${date}, resolved_by = ${actor.userId}
     where id = ${disputeId}`;
  const [after] = await tx.sql<{ outstanding: string }[]>`select outstanding from invoices where id = ${invoiceId}`;
  let status = 'funded';
  if (new Big(after!.outstanding).eq(0)) {
    await settleInvoice(tx, invoiceId, date, actor);
    status = 'settled';
  } else {
    await tx.sql`update invoices set status = 'funded' where id = ${invoiceId}`;
  }
  const dispute: DisputeView = {
    id: d.id,
    invoiceId: String(invoiceId),
    amount: moneyOut(d.amount, c),
    reason: d.reason,
    status: 'resolved',
    outcome: data.outcome,
    openedDate: d.opened_date,
    resolvedDate: date,
  };
  await recordAudit(tx, actor, {
    action: 'dispute.resolve',
    targetType: 'invoice',
    targetId: invoiceId,
    before: { status: inv.status },
    after: { dispute, charge, status },
  });
  return { dispute, charge, invoiceStatus: status };
}

const dateSchema = z.object({ date: z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }) });

/**
 * Recourse (SPEC 5.2): an unpaid invoice charged back to the client — the way a short pay is —
 * its fee frozen at that date. Not for non-recourse agreements (they write off instead).
 */
export async function chargebackInvoice(
  tx: Tx,
  invoiceId: number,
  input: unknown,
  actor: Actor,
): Promise<{ invoiceId: string; status: string; charge: ChargeResult }> {
  requirePermission(actor, 'invoice.chargeback');
  const { date } = parseInput(dateSchema, input);
  assertBusinessDateInWindow(date, 'Chargeback date', 'happened', { field: 'date' });
  const inv = await lockInvoice(tx, invoiceId);
  if (inv.terms?.model === 'non_recourse') throw refused('non_recourse', `Invoice ${inv.number} is non-recourse; write it off instead of charging it back`);
  if (inv.status !== 'funded' && inv.status !== 'disputed')
    throw refused('invoice_not_open', `Invoice ${inv.number} is ${inv.status}; only an open funded invoice can be charged back`);
  assertNotBeforeFunding(inv, date, 'Chargeback date', 'charged back');
  const outstanding = new Big(inv.outstanding);
  const charge = await chargeToClient(
    tx,
    {
      kind: 'chargeback',
      invoice: { id: invoiceId, number: inv.number, clientId: Number(inv.client_id), currency: inv.currency },
      amount: outstanding,
      date,
      key: `chargeback:${invoiceId}:full`,
      memo: `Invoice ${inv.number} charged back to the client (recourse)`,
    },
    actor,
  );
  await tx.sql`update disputes set status = 'resolved', outcome = 'chargeback', resolved_amount = amount, resolved_date = ${date}, resolved_by = ${actor.userId} where invoice_id = ${invoiceId} and status = 'open'`;
  await freezeFee(tx, invoiceId, { date, settleFromReserve: true, reason: 'charged_back' }, actor);
  await tx.sql`update invoices set status = 'charged_back', settled_date = ${date} where id = ${invoiceId}`;
  await recordAudit(tx, actor, {
    action: 'invoice.chargeback',
    targetType: 'invoice',
    targetId: invoiceId,
    before: { status: inv.status, outstanding: moneyOut(inv.outstanding, inv.currency) },
    after: { status: 'charged_back', charge },
  });
  return { invoiceId: String(invoiceId), status: 'charged_back', charge };
}

/**
 * Non-recourse (SPEC 5.2): a debtor default is written off to credit_loss; the client's reserve on
 * the invoice, less its fees, is still the client's (releasable).
 */
export async function writeOffInvoice(
  tx: Tx,
  invoiceId: number,
  input: unknown,
  actor: Actor,
): Promise<{ invoiceId: string; status: string; writtenOff: string; reserveLeft: string }> {
  requirePermission(actor, 'invoice.chargeback');
  const { date } = parseInput(dateSchema, input);
  assertBusinessDateInWindow(date, 'Write-off date', 'happened', { field: 'date' });
  const inv = await lockInvoice(tx, invoiceId);
  if (inv.terms?.model !== 'non_recourse')
    throw refused('recourse', `Invoice ${inv.number} is under a recourse agreement; charge it back to the client instead`);
  if (inv.status !== 'funded' && inv.status !== 'disputed')
    throw refused('invoice_not_open', `Invoice ${inv.number} is ${inv.status}; only an open funded invoice can be written off`);
  assertNotBeforeFunding(inv, date, 'Write-off date', 'written off');
  const c = inv.currency;
  const outstanding = new Big(inv.outstanding);
  const clientId = Number(inv.client_id);
  await postEntries(
    tx,
    [
      {
        effectiveDate: date,
        kind: 'write_off',
        idempotencyKey: `write_off:${invoiceId}`,
        clientId,
        invoiceId,
        memo: `Invoice ${inv.number} written off (non-recourse debtor default)`,
        lines: [
          { account: 'credit_loss', currency: c, invoiceId, amount: outstanding },
          { account: 'receivable', currency: c, clientId, invoiceId, amount: outstanding.times(-1) },
        ],
      },
    ],
    actor,
  );
  await tx.sql`update invoices set outstanding = 0 where id = ${invoiceId}`;
  await tx.sql`update disputes set status = 'resolved', outcome = 'chargeback', resolved_date = ${date}, resolved_by = ${actor.userId} where invoice_id = ${invoiceId} and status = 'open'`;
  await freezeFee(tx, invoiceId, { date, settleFromReserve: true, reason: 'written_off' }, actor);
  await tx.sql`update invoices set status = 'written_off', settled_date = ${date} where id = ${invoiceId}`;
  const left = await reserveHeld(tx, invoiceId);
  await recordAudit(tx, actor, {
    action: 'invoice.write_off',
    targetType: 'invoice',
    targetId: invoiceId,
    before: { status: inv.status },
    after: { status: 'written_off', writtenOff: formatMoney(outstanding, c), reserveLeft: formatMoney(left, c) },
  });
  return { invoiceId: String(invoiceId), status: 'written_off', writtenOff: formatMoney(outstanding, c), reserveLeft: formatMoney(left, c) };
}

/** One dispute of an invoice (404 when the invoice has no such dispute), amount in the invoice's currency. */
export async function getDispute(tx: Tx, invoiceId: number, disputeId: number): Promise<DisputeView & { currency: string; number: string }> {
  const [d] = await tx.sql<
    {
      id: string;
      invoice_id: string;
      number: string;
      currency: string;
      amount: string;
      reason: string;
      status: string;
      outcome: string | null;
      opened_date: string;
      resolved_date: string | null;
    }[]
  >`
    select d.id, d.invoice_id, i.number, i.currency, d.amount, d.reason, d.status, d.outcome, d.opened_date, d.resolved_date
      from disputes d join invoices i on i.id = d.invoice_id where d.id = ${disputeId} and d.invoice_id = ${invoiceId}`;
  if (!d) throw notFound('Dispute', disputeId);
  return {
    id: d.id,
    invoiceId: d.invoice_id,
    number: d.number,
    currency: d.currency,
    amount: moneyOut(d.amount, d.currency),
    reason: d.reason,
    status: d.status,
    outcome: d.outcome,
    openedDate: d.opened_date,
    resolvedDate: d.resolved_date,
  };
}

export async function listDisputes(tx: Tx, filter: { status?: 'open' | 'resolved'; limit?: number } = {}) {
  return tx.sql<
    {
      id: string;
      invoice_id: string;
      number: string;
      client_name: string;
      debtor_name: string;
      currency: string;
      amount: string;
      reason: string;
      status: string;
      outcome: string | null;
      opened_date: string;
      resolved_date: string | null;
    }[]
  >`
    select d.id, d.invoice_id, i.number, c.name as client_name, db.name as debtor_name, i.currency, d.amount, d.reason, d.status, d.outcome, d.opened_date, d.resolved_date
      from disputes d join invoices i on i.id = d.invoice_id join clients c on c.id = i.client_id join debtors db on db.id = i.debtor_id
     where (${filter.status ?? null}::text is null or d.status = ${filter.status ?? null})
     order by d.id desc limit ${filter.limit ?? 200}`;
}

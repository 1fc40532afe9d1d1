'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase, type Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { actionActor } from '@/lib/auth/session';
import type { ChargeResult } from '@/lib/collections/charges';
import { chargebackInvoice, openDispute, resolveDispute, writeOffInvoice } from '@/lib/collections/disputes';
import { importBankFile } from '@/lib/collections/import';
import { recordMisdirected, remitMisdirected } from '@/lib/collections/misdirected';
import { applyPayment, receivePayment, refundPayment, type ApplicationOutcome, type PaymentView } from '@/lib/collections/payments';
import { DomainError } from '@/lib/errors';
import { runAction, type ActionState } from '@/lib/http/action';
import { getInvoice } from '@/lib/invoices';

/** A form's answer with, for the longer outcomes, one line per invoice or payment. */
export interface CollectionsState extends ActionState {
  lines?: string[];
  /** the payment the answer is about (the inbox shows it beside that payment while it is listed) */
  paymentId?: string;
  /** changes on every answer */
  seq?: number;
}

/** The bank file form: every line error of a refused file. */
export interface ImportState extends CollectionsState {
  lineErrors?: { line: number; message: string }[];
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

const ID_RE = /^[1-9]\d{0,15}$/;

/** An id typed into a form: a refusal that names the field, instead of a lookup of "abc". */
function idFrom(form: FormData, name: string, what: string): number {
  const value = text(form, name);
  if (!ID_RE.test(value)) throw new DomainError('invalid_input', `Enter the ${what} id (a number).`, { status: 400, details: { [name]: `must be a ${what} id` } });
  return Number(value);
}

/** runAction, keeping the form's own state type. */
const run = <S extends ActionState>(fn: () => Promise<S>): Promise<S> => runAction(fn) as Promise<S>;

const optional = (value: string) => (value === '' ? undefined : value);

/** Invoice numbers for the messages, read in the command's transaction. */
async function numbersOf(tx: Tx, ids: string[], actor: Actor): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) out.set(id, (await getInvoice(tx, Number(id), actor)).number);
  return out;
}

const isZero = (amount: string) => /^-?0(\.0+)?$/.test(amount);

/** SPEC 5.2 waterfall in words: the invoice's reserve, the client's other reserves, then client_due. */
function describeCharge(charge: ChargeResult | undefined, currency: string): string {
  if (!charge) return '';
  const parts: string[] = [];
  if (!isZero(charge.fromInvoiceReserve)) parts.push(`${charge.fromInvoiceReserve} ${currency} from its reserve`);
  for (const o of charge.fromOtherReserves) parts.push(`${o.amount} ${currency} from the reserve of invoice ${o.invoiceId}`);
  if (!isZero(charge.clientDue)) parts.push(`${charge.clientDue} ${currency} now due from the client`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function describeOutcome(o: ApplicationOutcome, number: string, currency: string): string {
  const head = `${o.applied} ${currency} to invoice ${number}: `;
  switch (o.outcome) {
    case 'settled':
      return `${head}settled`;
    case 'short_pay_accepted':
      return `${head}short by ${o.shortfall}, accepted within tolerance and settled${describeCharge(o.charge, currency)}`;
    case 'charged_back':
      return `${head}short by ${o.shortfall}, charged back and settled${describeCharge(o.charge, currency)}`;
    case 'disputed':
      return `${head}short by ${o.shortfall}, disputed (the invoice is held and its reserve locked)`;
    case 'open':
      return `${head}${o.shortfall} ${currency} still owed; it stays open`;
  }
}

/** The inbox's forms: confirm a suggestion, apply a split, refund what is unapplied. */
export async function inboxAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const paymentId = text(form, 'paymentId');
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const id = idFrom(form, 'paymentId', 'payment');
    const intent = text(form, 'intent');
    const db = getDatabase();
    if (intent === 'refund') {
      const payment = await db.transaction((tx) => refundPayment(tx, id, { amount: optional(text(form, 'amount')), date: optional(text(form, 'date')) }, actor));
      revalidatePath('/collections');
      return { ok: true, message: `Payment ${payment.id}: refunded; ${payment.unapplied} ${payment.currency} is left unapplied.` };
    }
    const invoiceIds = form.getAll('invoiceId').map((v) => String(v).trim());
    const amounts = form.getAll('amount').map((v) => String(v).trim());
    const rows = invoiceIds.map((invoiceId, i) => ({ invoiceId, amount: amounts[i] ?? '' })).filter((r) => r.invoiceId !== '' || r.amount !== '');
    if (rows.length === 0) return { ok: false, message: 'Add at least one invoice and amount.', errors: { allocations: 'needs at least one invoice' } };
    const bad = rows.find((r) => !ID_RE.test(r.invoiceId));
    if (bad) return { ok: false, message: `"${bad.invoiceId}" is not an invoice id; pick an invoice or type its id.`, errors: { invoiceId: 'must be an invoice id' } };
    const shortPay = intent === 'apply' ? optional(text(form, 'shortPay')) : undefined;
    const { payment, outcomes, numbers } = await db.transaction(async (tx) => {
      const result = await applyPayment(tx, id, { allocations: rows, shortPay }, actor);
      return { payment: result.payment, outcomes: result.invoices, numbers: await numbersOf(tx, result.invoices.map((o) => o.invoiceId), actor) };
    });
    revalidatePath('/collections');
    const left = isZero(payment.unapplied) ? 'nothing is left unapplied' : `${payment.unapplied} ${payment.currency} is still unapplied`;
    return {
      ok: true,
      message: `Payment ${payment.id} applied; ${left}.`,
      lines: outcomes.map((o) => describeOutcome(o, numbers.get(o.invoiceId) ?? o.invoiceId, payment.currency)),
    };
  });
  return { ...state, paymentId, seq: Date.now() };
}

function describeReceipt(payment: PaymentView, numbers: Map<string, string>): CollectionsState {
  const head = `Payment ${payment.id} of ${payment.amount} ${payment.currency} received`;
  if (payment.applications.length > 0) {
    const left = isZero(payment.unapplied) ? '' : `; ${payment.unapplied} ${payment.currency} waits in the inbox`;
    return {
      ok: true,
      message: `${head} and applied automatically${left}.`,
      lines: payment.applications.map((a) => `${a.amount} ${payment.currency} to invoice ${numbers.get(a.invoiceId) ?? a.invoiceId}`),
    };
  }
  const ids = [...new Set(payment.suggestions.map((s) => s.invoiceId))];
  if (ids.length === 0) return { ok: true, message: `${head}; nothing matched it, so it waits in the inbox below to be applied by hand.` };
  return {
    ok: true,
    message: `${head}; it waits in the inbox below with ${ids.length === 1 ? 'a suggestion' : 'suggestions'}:`,
    lines: ids.map((id) => `invoice ${numbers.get(id) ?? id}`),
  };
}

/** Record a payment by hand (SPEC 5.2): into unapplied cash, applied at once when it matches exactly. */
export async function recordPaymentAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const input = { amount: text(form, 'amount'), currency: text(form, 'currency').toUpperCase(), receivedDate: text(form, 'receivedDate'), payerName: text(form, 'payerName'), reference: text(form, 'reference') };
    const { payment, numbers } = await getDatabase().transaction(async (tx) => {
      const payment = await receivePayment(tx, input, actor);
      const ids = [...payment.applications.map((a) => a.invoiceId), ...payment.suggestions.map((s) => s.invoiceId)];
      return { payment, numbers: await numbersOf(tx, ids, actor) };
    });
    revalidatePath('/collections');
    return { ...describeReceipt(payment, numbers), paymentId: payment.id };
  });
  return { ...state, seq: Date.now() };
}

const FORMATS = ['csv', 'camt053', 'bai2'] as const;

/** A bank statement (CSV, camt.053, BAI2): every credit a payment, matched at once; a bad file imports nothing unless partial. */
export async function importBankFileAction(_prev: ImportState, form: FormData): Promise<ImportState> {
  const state: ImportState = await run(async (): Promise<ImportState> => {
    const actor = await actionActor('collections');
    const file = form.get('file');
    if (file === null || typeof file === 'string' || file.size === 0) return { ok: false, message: 'Choose the bank file to import.', errors: { file: 'choose a file' } };
    let content: string;
    try {
      content = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      return { ok: false, message: `${file.name} is not UTF-8 text; export the statement as UTF-8 and import it again.`, errors: { file: 'not UTF-8 text' } };
    }
    const partial = form.get('partial') === 'on';
    const chosen = text(form, 'format');
    const format = FORMATS.find((f) => f === chosen);
    try {
      const result = await getDatabase().transaction((tx) => importBankFile(tx, { text: content, partial, format }, actor));
      revalidatePath('/collections');
      const n = result.payments.length;
      const parts = [
        `${result.applied} applied automatically`,
        `${result.skipped} skipped as already imported`,
        ...(result.errors.length > 0 ? [`${result.errors.length} line error${result.errors.length === 1 ? '' : 's'} left out`] : []),
      ];
      return {
        ok: true,
        message: `Imported ${n} payment${n === 1 ? '' : 's'} from ${file.name} (${result.format}): ${parts.join(', ')}.`,
        lineErrors: result.errors,
      } satisfies ImportState;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_bank_file') {
        return { ok: false, message: `${file.name}: ${error.message}.`, lineErrors: error.details.errors as { line: number; message: string }[] } satisfies ImportState;
      }
      throw error;
    }
  });
  return { ...state, seq: Date.now() };
}

export async function openDisputeAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const invoiceId = idFrom(form, 'invoiceId', 'invoice');
    const { dispute, number } = await getDatabase().transaction(async (tx) => {
      const dispute = await openDispute(tx, invoiceId, { amount: text(form, 'amount'), reason: text(form, 'reason'), date: optional(text(form, 'date')) }, actor);
      return { dispute, number: (await numbersOf(tx, [dispute.invoiceId], actor)).get(dispute.invoiceId) };
    });
    revalidatePath('/collections');
    return { ok: true, message: `Dispute ${dispute.id} opened on invoice ${number} for ${dispute.amount}; the invoice is held and its reserve locked.` };
  });
  return { ...state, seq: Date.now() };
}

export async function resolveDisputeAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const invoiceId = idFrom(form, 'invoiceId', 'invoice');
    const disputeId = idFrom(form, 'disputeId', 'dispute');
    const result = await getDatabase().transaction((tx) =>
      resolveDispute(tx, invoiceId, disputeId, { outcome: text(form, 'outcome'), amount: optional(text(form, 'amount')), date: optional(text(form, 'date')) }, actor),
    );
    revalidatePath('/collections');
    return { ok: true, message: `Dispute ${result.dispute.id} resolved (${(result.dispute.outcome ?? '').replace('_', ' ')}); the invoice is ${result.invoiceStatus.replace('_', ' ')}.` };
  });
  return { ...state, seq: Date.now() };
}

export async function recordMisdirectedAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const invoiceIds = text(form, 'invoiceIds')
      .split(/[\s,;]+/)
      .filter((s) => s !== '');
    const bad = invoiceIds.find((s) => !ID_RE.test(s));
    if (bad) return { ok: false, message: `"${bad}" is not an invoice id; list invoice ids separated by commas.`, errors: { invoiceIds: 'must be invoice ids separated by commas' } };
    const view = await getDatabase().transaction((tx) =>
      recordMisdirected(
        tx,
        {
          clientId: text(form, 'clientId'),
          debtorId: text(form, 'debtorId'),
          amount: text(form, 'amount'),
          currency: text(form, 'currency').toUpperCase(),
          paidDate: text(form, 'paidDate'),
          invoiceIds,
          note: text(form, 'note'),
        },
        actor,
      ),
    );
    revalidatePath('/collections');
    return { ok: true, message: `Misdirected payment ${view.id} recorded: ${view.amount} ${view.currency} that ${view.debtorName} paid to ${view.clientName}.` };
  });
  return { ...state, seq: Date.now() };
}

export async function remitMisdirectedAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const id = idFrom(form, 'id', 'misdirected payment');
    const { misdirected, payment } = await getDatabase().transaction((tx) => remitMisdirected(tx, id, { receivedDate: text(form, 'receivedDate') }, actor));
    revalidatePath('/collections');
    const left = isZero(payment.unapplied) ? '' : ` ${payment.unapplied} ${payment.currency} waits in the inbox.`;
    return { ok: true, message: `${misdirected.clientName} remitted ${misdirected.amount} ${misdirected.currency}: received as payment ${payment.id} and applied to ${payment.applications.length} invoice(s).${left}` };
  });
  return { ...state, seq: Date.now() };
}

/** Recourse: charge an unpaid invoice back to the client; non-recourse: write it off (SPEC 5.2). */
export async function recourseAction(_prev: CollectionsState, form: FormData): Promise<CollectionsState> {
  const state: CollectionsState = await run(async (): Promise<CollectionsState> => {
    const actor = await actionActor('collections');
    const invoiceId = idFrom(form, 'invoiceId', 'invoice');
    const input = { date: text(form, 'date') };
    const db = getDatabase();
    if (text(form, 'intent') === 'write_off') {
      const { result, number } = await db.transaction(async (tx) => {
        const result = await writeOffInvoice(tx, invoiceId, input, actor);
        return { result, number: (await numbersOf(tx, [result.invoiceId], actor)).get(result.invoiceId) };
      });
      revalidatePath('/collections');
      return { ok: true, message: `Invoice ${number} written off: ${result.writtenOff} to credit loss; ${result.reserveLeft} of its reserve is still the client's.` };
    }
    const { result, number, currency } = await db.transaction(async (tx) => {
      const result = await chargebackInvoice(tx, invoiceId, input, actor);
      const invoice = await getInvoice(tx, invoiceId, actor);
      return { result, number: invoice.number, currency: invoice.currency };
    });
    revalidatePath('/collections');
    return { ok: true, message: `Invoice ${number} charged back to the client: ${result.charge.amount} ${currency}${describeCharge(result.charge, currency)}.` };
  });
  return { ...state, seq: Date.now() };
}

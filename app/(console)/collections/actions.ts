'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm, count, type ConfirmRequest } from '@/app/_components/confirm';
import type { Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import type { ChargeResult } from '@/lib/collections/charges';
import { chargebackInvoice, getDispute, openDispute, resolveDispute, writeOffInvoice } from '@/lib/collections/disputes';
import { checkMapping, mappingFields, mappingOf, saveBankProfile } from '@/lib/collections/bank-profiles';
import { importBankFile } from '@/lib/collections/import';
import { recordMisdirected, remitMisdirected } from '@/lib/collections/misdirected';
import { applyPayment, paymentView, receivePayment, refundPayment, type ApplicationOutcome, type PaymentView } from '@/lib/collections/payments';
import { DomainError } from '@/lib/errors';
import type { ActionState } from '@/lib/http/action-state';
import { formAction, type FormResult } from '@/lib/http/form-action';
import { getInvoice } from '@/lib/invoices';
import { AmbiguousInvoiceError, resolveInvoice, type InvoiceChoice, type InvoiceRefFields, type ResolvedInvoice } from '@/lib/invoices/reference';
import { Big, displayMoney } from '@/lib/money';
import { statementSettleBatch } from '@/lib/payouts/statement-match';
import { businessDate, checkbox, checkMinorUnits, choice, currency, formMoney, id, invoiceNumber, list, optional, text } from '@/lib/validation/fields';

/** A form's answer with, for the longer outcomes, one line per invoice or payment. */
export interface CollectionsState extends ActionState {
  lines?: string[];
  /** the payment the answer is about (the inbox shows it beside that payment while it is listed) */
  paymentId?: string;
  /** an invoice number two clients use: the clients to choose from */
  choices?: { id: string; name: string }[];
  /** an ambiguous invoice number: every invoice it names, to choose one (its id is sent with the number) */
  invoiceChoices?: InvoiceChoice[];
  confirm?: ConfirmRequest;
}

/** The bank file form: every line error of a refused file, and what its outgoing lines did. */
export interface ImportState extends CollectionsState {
  lineErrors?: { line: number; message: string }[];
  /** issue 15: the payments left in the inbox, each with why (a line that cannot be applied is imported, never a refusal) */
  unapplied?: { line: number; paymentId: string; amount: string; currency: string; reason: string }[];
  /** issue 14: the payout batches the file's outgoing lines settled, and the lines that settled nothing (with why) */
  outgoing?: { settled: { batchId: number; date: string; line: number }[]; unmatched: { line: number; reason: string }[] };
}

type Answer = FormResult & Omit<CollectionsState, 'ok' | 'message' | 'values'>;

const confirmation = () => optional(text('Confirmation', { max: 20_000 }));

/**
 * The invoice a form named by its number (and client, when two clients use it, or the invoice
 * chosen from the number's suggestions — re-checked against the number). An ambiguous number
 * answers the form with the clients and the invoices to choose from instead of throwing.
 */
async function invoiceNamed(
  tx: Tx,
  ref: { invoiceNumber: string; clientId?: number; invoiceId?: number },
  actor: Actor,
  fields?: InvoiceRefFields,
): Promise<ResolvedInvoice | Answer> {
  try {
    return await resolveInvoice(tx, { number: ref.invoiceNumber, clientId: ref.clientId, invoiceId: ref.invoiceId }, actor, fields);
  } catch (error) {
    if (error instanceof AmbiguousInvoiceError) {
      return {
        ok: false,
        message: error.message,
        errors: Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, String(v)])),
        choices: error.clients,
        invoiceChoices: error.invoices,
      };
    }
    throw error;
  }
}

const isAnswer = (v: ResolvedInvoice | Answer): v is Answer => 'message' in v;

/** Invoice numbers for the messages, read in the command's transaction. */
async function numbersOf(tx: Tx, ids: string[], actor: Actor): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) out.set(id, (await getInvoice(tx, Number(id), actor)).number);
  return out;
}

const isZero = (amount: string) => new Big(amount).eq(0);

/** SPEC 5.2 waterfall in words: the invoice's reserve, the client's other reserves, then client_due. */
function describeCharge(charge: ChargeResult | undefined, currency: string): string {
  if (!charge) return '';
  const parts: string[] = [];
  if (!isZero(charge.fromInvoiceReserve)) parts.push(`${displayMoney(charge.fromInvoiceReserve, currency)} from its reserve`);
  for (const o of charge.fromOtherReserves) parts.push(`${displayMoney(o.amount, currency)} from the reserve of invoice ${o.invoiceId}`);
  if (!isZero(charge.clientDue)) parts.push(`${displayMoney(charge.clientDue, currency)} now due from the client`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function describeOutcome(o: ApplicationOutcome, number: string, currency: string): string {
  const head = `${displayMoney(o.applied, currency)} to invoice ${number}: `;
  const short = displayMoney(o.shortfall, currency);
  switch (o.outcome) {
    case 'settled':
      return `${head}settled`;
    case 'short_pay_accepted':
      return `${head}short by ${short}, accepted within tolerance and settled${describeCharge(o.charge, currency)}`;
    case 'charged_back':
      return `${head}short by ${short}, charged back and settled${describeCharge(o.charge, currency)}`;
    case 'disputed':
      return `${head}short by ${short}, disputed (the invoice is held and its reserve locked)`;
    case 'open':
      return `${head}${short} still owed; it stays open`;
  }
}

/** One row's raw text of a split (each row is parsed on its own below, its errors keyed by row). */
const rowText = (label: string, max: number) => z.string({ error: `${label} must be text` }).max(max, { error: `${label} must be at most ${max} characters` });

/**
 * The inbox's forms, one state for the whole list: confirm a suggestion, apply a split by hand
 * (rows of an invoice — picked from the suggestions by id, or typed by number with its client —
 * and an amount), refund what is unapplied. Rows come as parallel lists, one entry per row.
 */
const inboxForm = z
  .object({
    intent: choice('Action', ['confirm', 'apply', 'refund'], { confirm: 'Confirm', apply: 'Apply', refund: 'Refund unapplied' }),
    paymentId: id('Payment'),
    invoiceId: list('Invoice', rowText('Invoice', 40), { max: 500 }),
    invoiceNumber: list('Invoice number', rowText('Invoice number', 200), { max: 500 }),
    invoiceClientId: list('Client', rowText('Client', 40), { max: 500 }),
    amount: list('Amount', rowText('Amount', 60), { max: 500 }),
    shortPay: optional(
      choice('If an invoice is left short', ['accept', 'dispute', 'chargeback'], { accept: 'accept', dispute: 'dispute', chargeback: 'chargeback' }),
    ),
    refundAmount: optional(formMoney('Refund amount', { allowZero: false })),
    refundDate: optional(businessDate('Refund date')),
    confirmed: confirmation(),
  })
  .transform((v, ctx) => {
    type Row = { index: number; invoiceId?: number; invoiceNumber?: string; clientId?: number; amount: string };
    const rows: Row[] = [];
    if (v.intent === 'refund') return { ...v, rows };
    const n = Math.max(v.invoiceId.length, v.invoiceNumber.length, v.amount.length);
    let filled = 0;
    for (let i = 0; i < n; i += 1) {
      const picked = (v.invoiceId[i] ?? '').trim();
      const typed = (v.invoiceNumber[i] ?? '').trim();
      const amountText = (v.amount[i] ?? '').trim();
      if (picked === '' && typed === '' && amountText === '') continue;
      filled += 1;
      const row = `${i + 1}`;
      const amount = formMoney(`Amount ${row}`, { allowZero: false }).safeParse(amountText);
      if (!amount.success) ctx.addIssue({ code: 'custom', path: [`amount.${i}`], message: amount.error.issues[0]!.message });
      let invoiceId: number | undefined;
      let clientId: number | undefined;
      if (picked !== '') {
        const parsed = id(`Invoice ${row}`).safeParse(picked);
        if (parsed.success) invoiceId = parsed.data;
        else ctx.addIssue({ code: 'custom', path: [`invoiceId.${i}`], message: parsed.error.issues[0]!.message });
      }
      // A typed number (with the invoice chosen from its suggestions, if any) is resolved by number;
      // an invoice picked from the payment's suggestions alone is taken by its id.
      if (typed === '') {
        if (picked === '') ctx.addIssue({ code: 'custom', path: [`invoiceNumber.${i}`], message: `Invoice number ${row} is required` });
      } else {
        const number = invoiceNumber(`Invoice number ${row}`).safeParse(typed);
        if (!number.success) ctx.addIssue({ code: 'custom', path: [`invoiceNumber.${i}`], message: number.error.issues[0]!.message });
        const client = (v.invoiceClientId[i] ?? '').trim();
        if (client !== '') {
          const parsed = id(`Client ${row}`).safeParse(client);
          if (parsed.success) clientId = parsed.data;
          else ctx.addIssue({ code: 'custom', path: [`invoiceClientId.${i}`], message: parsed.error.issues[0]!.message });
        }
      }
      if (amount.success) rows.push({ index: i, invoiceId, invoiceNumber: typed === '' ? undefined : typed, clientId, amount: amount.data });
    }
    if (filled === 0) ctx.addIssue({ code: 'custom', path: ['allocations'], message: 'Add at least one invoice and amount' });
    return { ...v, rows };
  });

/** The inbox: confirm a suggestion, apply a split, refund what is unapplied. */
export const inboxAction = formAction('payment.apply', inboxForm, async ({ tx, input, actor }): Promise<Answer> => {
  const paymentId = String(input.paymentId);
  if (input.intent === 'refund') {
    const before = await paymentView(tx, input.paymentId);
    const amount = input.refundAmount ?? before.unapplied;
    const token = `refund:${paymentId}:${new Big(amount).toFixed()}`;
    if (input.confirmed !== token) {
      const to = before.payerName ? ` to ${before.payerName}` : ' to the payer';
      return { ...askToConfirm(`Refund ${displayMoney(amount, before.currency)} of payment ${paymentId}${to}?`, token), paymentId };
    }
    const payment = await refundPayment(tx, input.paymentId, { amount, date: input.refundDate }, actor);
    revalidatePath('/collections');
    return {
      message: `Payment ${payment.id}: refunded ${displayMoney(amount, payment.currency)}; ${displayMoney(payment.unapplied, payment.currency)} is left unapplied.`,
      paymentId,
    };
  }
  // Rows typed by number: the invoice they name (an ambiguous one answers with the clients to choose from).
  const allocations: { invoiceId: number; amount: string }[] = [];
  for (const row of input.rows) {
    if (row.invoiceNumber === undefined) {
      allocations.push({ invoiceId: row.invoiceId!, amount: row.amount });
      continue;
    }
    const found = await invoiceNamed(tx, { invoiceNumber: row.invoiceNumber, clientId: row.clientId, invoiceId: row.invoiceId }, actor, {
      field: `invoiceNumber.${row.index}`,
      clientField: `invoiceClientId.${row.index}`,
      idField: `invoiceId.${row.index}`,
    });
    if (isAnswer(found)) return { ...found, paymentId };
    allocations.push({ invoiceId: found.id, amount: row.amount });
  }
  const shortPay = input.intent === 'apply' ? input.shortPay : undefined;
  if (shortPay === 'chargeback') {
    // Charge back asks first, naming what each invoice left short would cost the client.
    const shortfalls: { number: string; amount: Big; currency: string; invoiceId: number }[] = [];
    for (const a of allocations) {
      const invoice = await getInvoice(tx, a.invoiceId, actor);
      const left = new Big(invoice.outstanding).minus(a.amount);
      if (left.gt(0)) shortfalls.push({ number: invoice.number, amount: left, currency: invoice.currency, invoiceId: a.invoiceId });
    }
    const token = `chargeback:${paymentId}:${shortfalls.map((s) => `${s.invoiceId}=${s.amount.toFixed()}`).join(',')}`;
    if (shortfalls.length > 0 && input.confirmed !== token) {
      const said = shortfalls.map((s) => `${displayMoney(s.amount, s.currency)} on invoice ${s.number}`).join(', ');
      return { ...askToConfirm(`Apply payment ${paymentId} and charge back to the client what is left short: ${said}?`, token), paymentId };
    }
  }
  const result = await applyPayment(tx, input.paymentId, { allocations, shortPay }, actor);
  const numbers = await numbersOf(
    tx,
    result.invoices.map((o) => o.invoiceId),
    actor,
  );
  revalidatePath('/collections');
  const payment = result.payment;
  const left = isZero(payment.unapplied) ? 'nothing is left unapplied' : `${displayMoney(payment.unapplied, payment.currency)} is still unapplied`;
  return {
    message: `Payment ${payment.id} applied; ${left}.`,
    lines: result.invoices.map((o) => describeOutcome(o, numbers.get(o.invoiceId) ?? o.invoiceId, payment.currency)),
    paymentId,
  };
});

function describeReceipt(payment: PaymentView, numbers: Map<string, string>): Answer {
  const head = `Payment ${payment.id} of ${displayMoney(payment.amount, payment.currency)} received`;
  if (payment.applications.length > 0) {
    const left = isZero(payment.unapplied) ? '' : `; ${displayMoney(payment.unapplied, payment.currency)} waits in the inbox`;
    return {
      message: `${head} and applied automatically${left}.`,
      lines: payment.applications.map((a) => `${displayMoney(a.amount, payment.currency)} to invoice ${numbers.get(a.invoiceId) ?? a.invoiceId}`),
    };
  }
  const ids = [...new Set(payment.suggestions.map((s) => s.invoiceId))];
  if (ids.length === 0) return { message: `${head}; nothing matched it, so it waits in the inbox below to be applied by hand.` };
  return {
    message: `${head}; it waits in the inbox below with ${ids.length === 1 ? 'a suggestion' : 'suggestions'}:`,
    lines: ids.map((id) => `invoice ${numbers.get(id) ?? id}`),
  };
}

const paymentForm = z
  .object({
    amount: formMoney('Amount', { allowZero: false }),
    currency: currency('Currency'),
    receivedDate: businessDate('Received date'),
    payerName: optional(text('Payer name', { max: 300 })),
    reference: optional(text('Reference', { max: 4000 })),
  })
  .superRefine((v, ctx) => checkMinorUnits(ctx, ['amount'], 'Amount', v.amount, v.currency));

/** Record a payment by hand (SPEC 5.2): into unapplied cash, applied at once when it matches exactly. */
export const recordPaymentAction = formAction('payment.apply', paymentForm, async ({ tx, input, actor }): Promise<Answer> => {
  const payment = await receivePayment(tx, { ...input, payerName: input.payerName ?? '', reference: input.reference ?? '' }, actor);
  const numbers = await numbersOf(tx, [...payment.applications.map((a) => a.invoiceId), ...payment.suggestions.map((s) => s.invoiceId)], actor);
  revalidatePath('/collections');
  return { ...describeReceipt(payment, numbers), paymentId: payment.id };
});

/**
 * A bank statement as the form sends it: the file's text, read in the browser (a file that is not
 * UTF-8 is refused there), its name, the format and whether to import the good lines of a bad file.
 */
const bankFileForm = z
  .object({
    content: z
      .string({ error: 'Bank file: choose the file to import' })
      .min(1, { error: 'Bank file: choose the file to import' })
      .max(1_048_576, { error: 'Bank file is larger than 1 MB; send it to the API (POST /api/v1/payments/import)' }),
    fileName: optional(text('File name', { max: 255 })),
    format: optional(choice('Format', ['csv', 'camt053', 'bai2'], { csv: 'CSV', camt053: 'camt.053', bai2: 'BAI2' })),
    partial: checkbox(),
    // issue 15: read a CSV through a saved bank profile …
    profileId: optional(id('Bank profile')),
    // … or through the columns mapped on the form (then optionally saved as a profile of this name)
    mapped: checkbox('Map the columns'),
    delimiter: optional(mappingFields.delimiter),
    dateColumn: optional(text('Date column', { max: 200 })),
    amountColumn: optional(text('Amount column', { max: 200 })),
    referenceColumn: mappingFields.referenceColumn,
    payerColumn: mappingFields.payerColumn,
    currencyColumn: mappingFields.currencyColumn,
    bankReferenceColumn: mappingFields.bankReferenceColumn,
    currency: mappingFields.currency,
    dateFormat: optional(mappingFields.dateFormat),
    amountFormat: optional(mappingFields.amountFormat),
    saveAs: optional(text('Save as bank profile', { max: 100 })),
  })
  .superRefine((v, ctx) => {
    if (!v.mapped || v.profileId !== undefined) return;
    // Mapping on the form: the date and the amount columns, the formats and a currency are needed.
    const need = [
      ['dateColumn', 'Date column: choose the column that gives the date'],
      ['amountColumn', 'Amount column: choose the column that gives the amount'],
      ['dateFormat', 'Date format is required'],
      ['amountFormat', 'Amounts written like is required'],
      ['delimiter', 'Column separator is required'],
    ] as const;
    for (const [key, message] of need) if (!v[key]) ctx.addIssue({ code: 'custom', path: [key], message });
    checkMapping(v, ctx);
  });

/**
 * A bank statement (CSV, camt.053, BAI2): every credit a payment, matched at once; a bad file imports
 * nothing unless partial. Issue 15: a CSV is read through a saved bank profile or the columns mapped
 * on the form — saved first as a profile when the form names one, so the bank's next file needs no
 * mapping (kept even when the file itself is refused: the mapping was right, a line was not).
 */
export const importBankFileAction = formAction(
  'payment.apply',
  bankFileForm,
  async ({ tx, input, actor }): Promise<Answer & Pick<ImportState, 'lineErrors' | 'outgoing' | 'unapplied'>> => {
    const name = input.fileName ?? 'The bank file';
    let profile = input.profileId !== undefined ? String(input.profileId) : undefined;
    let mapping: ReturnType<typeof mappingOf> | undefined;
    let saved = '';
    if (profile === undefined && input.mapped) {
      const fields = {
        delimiter: input.delimiter!,
        dateColumn: input.dateColumn!,
        amountColumn: input.amountColumn!,
        referenceColumn: input.referenceColumn,
        payerColumn: input.payerColumn,
        currencyColumn: input.currencyColumn,
        bankReferenceColumn: input.bankReferenceColumn,
        currency: input.currency,
        dateFormat: input.dateFormat!,
        amountFormat: input.amountFormat!,
      };
      if (input.saveAs) {
        const stored = await saveBankProfile(tx, { name: input.saveAs, ...fields }, actor);
        profile = stored.id;
        saved = ` Bank profile "${stored.name}" ${stored.created ? 'saved' : 'updated'}: choose it for this bank's next file.`;
      } else mapping = mappingOf(fields);
    }
    try {
      const result = await importBankFile(tx, { text: input.content, partial: input.partial, format: input.format, profile, mapping }, actor, {
        settleBatch: statementSettleBatch,
      });
      revalidatePath('/collections');
      if (result.payoutsSettled.length > 0) revalidatePath('/payouts');
      const outgoing =
        result.payoutsSettled.length + result.outgoingUnmatched.length > 0
          ? { settled: result.payoutsSettled, unmatched: result.outgoingUnmatched }
          : undefined;
      const n = result.payments.length;
      const parts = [
        `${result.applied} applied automatically`,
        `${result.skipped} skipped as already imported`,
        ...(result.errors.length > 0 ? [`${result.errors.length} line error${result.errors.length === 1 ? '' : 's'} left out`] : []),
      ];
      const left = result.unapplied.length;
      if (left > 0) parts.push(`${left} left in the inbox (why below)`);
      const through = result.profile ? ` with bank profile "${result.profile.name}"` : '';
      return {
        message: `Imported ${n} payment${n === 1 ? '' : 's'} from ${name} (${result.format}${through}): ${parts.join(', ')}.${saved}`,
        lineErrors: result.errors,
        outgoing,
        unapplied: result.unapplied,
      };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_bank_file') {
        if (saved) revalidatePath('/collections');
        return { ok: false, message: `${name}: ${error.message}.${saved}`, lineErrors: error.details.errors as { line: number; message: string }[] };
      }
      throw error;
    }
  },
);

const invoiceRef = {
  invoiceNumber: invoiceNumber('Invoice number'),
  clientId: optional(id('Client')),
  /** the invoice chosen from the number's suggestions (re-checked against the number) */
  invoiceId: optional(id('Invoice')),
};

const disputeForm = z.object({
  ...invoiceRef,
  amount: formMoney('Disputed amount', { allowZero: false }),
  reason: text('Reason', { max: 2000 }),
  date: optional(businessDate('Opened on')),
});

/** SPEC 5.2: a dispute on an invoice named by its number: the invoice is held and its reserve locked. */
export const openDisputeAction = formAction('dispute.open', disputeForm, async ({ tx, input, actor }): Promise<Answer> => {
  const found = await invoiceNamed(tx, input, actor);
  if (isAnswer(found)) return found;
  const dispute = await openDispute(tx, found.id, { amount: input.amount, reason: input.reason, date: input.date }, actor);
  const invoice = await getInvoice(tx, found.id, actor);
  revalidatePath('/collections');
  revalidatePath(`/invoices/${found.id}`);
  return {
    message: `Dispute ${dispute.id} opened on invoice ${found.number} for ${displayMoney(dispute.amount, invoice.currency)}; the invoice is held and its reserve locked.`,
  };
});

const resolveForm = z.object({
  disputeId: id('Dispute'),
  invoiceId: id('Invoice'),
  outcome: choice('Outcome', ['paid', 'credit_note', 'chargeback'], { paid: 'paid', credit_note: 'credit note', chargeback: 'chargeback' }),
  amount: optional(formMoney('Amount', { allowZero: false })),
  date: optional(businessDate('Date')),
  confirmed: confirmation(),
});

/** In a row of the open disputes: paid, credit note, or chargeback (which asks first, naming the amount). */
export const resolveDisputeAction = formAction('dispute.open', resolveForm, async ({ tx, input, actor }): Promise<Answer> => {
  const amount = input.amount;
  if (input.outcome === 'chargeback') {
    const dispute = await getDispute(tx, input.invoiceId, input.disputeId);
    const charged = amount ?? dispute.amount;
    const token = `chargeback:${input.disputeId}:${new Big(charged).toFixed()}`;
    if (input.confirmed !== token)
      return askToConfirm(`Resolve the dispute on invoice ${dispute.number} by charging ${displayMoney(charged, dispute.currency)} back to the client?`, token);
    const result = await resolveDispute(tx, input.invoiceId, input.disputeId, { outcome: 'chargeback', amount: charged, date: input.date }, actor);
    revalidatePath('/collections');
    return {
      message: `Dispute ${result.dispute.id} resolved (chargeback of ${displayMoney(charged, dispute.currency)}${describeCharge(result.charge ?? undefined, dispute.currency)}); the invoice is ${result.invoiceStatus.replace('_', ' ')}.`,
    };
  }
  const result = await resolveDispute(tx, input.invoiceId, input.disputeId, { outcome: input.outcome, amount, date: input.date }, actor);
  revalidatePath('/collections');
  return {
    message: `Dispute ${result.dispute.id} resolved (${(result.dispute.outcome ?? '').replace('_', ' ')}); the invoice is ${result.invoiceStatus.replace('_', ' ')}.`,
  };
});

const misdirectedForm = z
  .object({
    clientId: id('Client (who was paid)'),
    debtorId: id('Debtor (who paid)'),
    amount: formMoney('Amount', { allowZero: false }),
    currency: currency('Currency'),
    paidDate: businessDate('Paid on'),
    invoiceNumbers: optional(text('Invoice numbers', { max: 4000 })),
    note: optional(text('Note', { max: 1000 })),
  })
  .superRefine((v, ctx) => checkMinorUnits(ctx, ['amount'], 'Amount', v.amount, v.currency));

/** The debtor paid the client: tracked against the client until remitted; the invoices it paid named by number. */
export const recordMisdirectedAction = formAction('payment.apply', misdirectedForm, async ({ tx, input, actor }): Promise<Answer> => {
  const numbers = (input.invoiceNumbers ?? '')
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const invoiceIds: string[] = [];
  for (const number of numbers) {
    const found = await invoiceNamed(tx, { invoiceNumber: number, clientId: input.clientId }, actor, { field: 'invoiceNumbers' });
    if (isAnswer(found)) return found;
    invoiceIds.push(String(found.id));
  }
  const view = await recordMisdirected(tx, { ...input, invoiceIds, note: input.note ?? '' }, actor);
  revalidatePath('/collections');
  return {
    message: `Misdirected payment ${view.id} recorded: ${displayMoney(view.amount, view.currency)} that ${view.debtorName} paid to ${view.clientName}.`,
  };
});

/** The client passed the money on: received as a payment and applied to the invoices it paid. */
export const remitMisdirectedAction = formAction(
  'payment.apply',
  z.object({ id: id('Misdirected payment'), receivedDate: businessDate('Received date') }),
  async ({ tx, input, actor }): Promise<Answer> => {
    const { misdirected, payment } = await remitMisdirected(tx, input.id, { receivedDate: input.receivedDate }, actor);
    revalidatePath('/collections');
    const left = isZero(payment.unapplied) ? '' : ` ${displayMoney(payment.unapplied, payment.currency)} waits in the inbox.`;
    return {
      message: `${misdirected.clientName} remitted ${displayMoney(misdirected.amount, misdirected.currency)}: received as payment ${payment.id} and applied to ${count(payment.applications.length, 'invoice')}.${left}`,
    };
  },
);

const recourseForm = z.object({
  ...invoiceRef,
  date: businessDate('Date'),
  intent: choice('Action', ['chargeback', 'write_off'], { chargeback: 'Charge back', write_off: 'Write off' }),
  confirmed: confirmation(),
});

/**
 * Recourse: charge an unpaid invoice back to the client; non-recourse: write it off (SPEC 5.2).
 * The invoice is named by its number; either asks first, naming what is still owed.
 */
export const recourseAction = formAction('invoice.chargeback', recourseForm, async ({ tx, input, actor }): Promise<Answer> => {
  const found = await invoiceNamed(tx, input, actor);
  if (isAnswer(found)) return found;
  const invoice = await getInvoice(tx, found.id, actor);
  const owed = displayMoney(invoice.outstanding, invoice.currency);
  const token = `${input.intent}:${found.id}:${new Big(invoice.outstanding).toFixed()}`;
  if (input.confirmed !== token) {
    return input.intent === 'write_off'
      ? askToConfirm(`Write off invoice ${found.number} of ${found.clientName}: ${owed} still owed goes to credit loss?`, token)
      : askToConfirm(`Charge back invoice ${found.number} to ${found.clientName}: ${owed} still owed?`, token);
  }
  const changed = (done: string) =>
    new DomainError(
      'changed_since_confirmed',
      `Nothing was ${done}: invoice ${found.number} now owes ${displayMoney(invoice.outstanding, invoice.currency)}, not what you confirmed. Try again to see the new figure.`,
      { status: 409 },
    );
  if (input.intent === 'write_off') {
    const result = await writeOffInvoice(tx, found.id, { date: input.date }, actor);
    if (!new Big(result.writtenOff).eq(invoice.outstanding)) throw changed('written off');
    revalidatePath('/collections');
    revalidatePath(`/invoices/${found.id}`);
    return {
      message: `Invoice ${found.number} written off: ${displayMoney(result.writtenOff, invoice.currency)} to credit loss; ${displayMoney(result.reserveLeft, invoice.currency)} of its reserve is still the client's.`,
    };
  }
  const result = await chargebackInvoice(tx, found.id, { date: input.date }, actor);
  if (!new Big(result.charge.amount).eq(invoice.outstanding)) throw changed('charged back');
  revalidatePath('/collections');
  revalidatePath(`/invoices/${found.id}`);
  return {
    message: `Invoice ${found.number} charged back to ${found.clientName}: ${displayMoney(result.charge.amount, invoice.currency)}${describeCharge(result.charge, invoice.currency)}.`,
  };
});

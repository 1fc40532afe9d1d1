'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordDebtorApproval } from '@/lib/debtors';
import { DomainError } from '@/lib/errors';
import { formAction } from '@/lib/http/form-action';
import { createInvoice } from '@/lib/invoices';
import type { ScheduleLineError } from '@/lib/invoices/csv';
import { importInvoices } from '@/lib/invoices/import';
import { invoiceInputSchema } from '@/lib/invoices/input';
import { displayMoney } from '@/lib/money';
import { businessDate, id, optional, text } from '@/lib/validation/fields';
import { recordVerification, verificationFormSchema } from '@/lib/verifications';
import { verificationMessage } from '@/lib/verifications/labels';
import type { ActionState } from '@/lib/http/action-state';

/** The one-invoice form's answer: the invoice entered, for the link to it. */
export type InvoiceFormState = ActionState & { invoice?: { id: string; number: string } };

/** The upload form: every line error of a refused file, or how many were imported. */
export type ImportFormState = ActionState & { lineErrors?: ScheduleLineError[]; count?: number };

const invoiceForm = invoiceInputSchema('form');

/** Issue 16 item 5: the intake flags raised at entry, said after the confirmation (they are on the invoice page). */
const flagNote = (flags: { detail: string }[]) => (flags.length === 0 ? '' : ` Flagged: ${flags.map((f) => f.detail).join('; ')}.`);

/** One invoice by hand (API.md POST /invoices): submitted, waiting for verification. */
export const createInvoiceAction = formAction('invoice.create', invoiceForm, async ({ tx, input, actor }) => {
  try {
    const invoice = await createInvoice(tx, input, actor);
    revalidatePath('/invoices');
    return {
      message: `Invoice ${invoice.number} is entered (submitted) for ${displayMoney(invoice.faceValue, invoice.currency)}.${flagNote(invoice.flags)}`,
      invoice: { id: invoice.id, number: invoice.number },
    };
  } catch (error) {
    // SPEC 5.1: a number is unique per client and debtor — said under the number.
    if (error instanceof DomainError && error.code === 'duplicate_invoice')
      return { ok: false, message: error.message, errors: { number: 'exists already for this client and debtor' } };
    throw error;
  }
});

/**
 * The schedule of accounts as the form sends it: the CSV's text, read in the browser (so the
 * action reads no file by hand; a file that is not UTF-8 is refused there), and its name.
 * At most what a server action takes (1 MB); larger files go to POST /api/v1/invoices/import.
 */
const scheduleForm = z.object({
  clientId: id('Client'),
  csv: z
    .string({ error: 'Schedule of accounts (CSV): choose the CSV file' })
    .min(1, { error: 'Schedule of accounts (CSV): choose the CSV file' })
    .max(1_048_576, { error: 'Schedule of accounts (CSV) is larger than 1 MB; split it, or send it to the API (POST /api/v1/invoices/import)' }),
  fileName: optional(text('File name', { max: 255 })),
});

/** A schedule of accounts for one client: every row imported, or nothing and every bad line listed. */
export const importScheduleAction = formAction('invoice.create', scheduleForm, async ({ tx, input, actor }) => {
  const name = input.fileName ?? 'The file';
  try {
    const result = await importInvoices(tx, { clientId: String(input.clientId), csv: input.csv }, actor);
    revalidatePath('/invoices');
    return {
      message: `Imported ${result.count} invoice${result.count === 1 ? '' : 's'} from ${name}; they are submitted and wait for verification.${result.flags.length === 0 ? '' : ` ${new Set(result.flags.map((f) => f.invoiceId)).size} flagged (intake flags, on each invoice's page).`}`,
      count: result.count,
    };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid_schedule') {
      return { ok: false, message: `${name}: ${error.message}.`, lineErrors: error.details.errors as ScheduleLineError[] };
    }
    throw error;
  }
});

/**
 * Issue 15: one verification record (method, contact, outcome, note) for each chosen invoice —
 * the invoice page's form (one invoice) and the Fundings screen's bulk verify (the chosen
 * invoices of a batch). A positive outcome verifies submitted invoices for funding.
 */
export const recordVerificationAction = formAction('invoice.verify', verificationFormSchema, async ({ tx, input, actor }) => {
  const records = await recordVerification(tx, input, actor);
  revalidatePath('/invoices');
  revalidatePath('/fundings');
  for (const r of records.slice(0, 50)) revalidatePath(`/invoices/${r.invoiceId}`);
  return { message: verificationMessage(records) };
});

/** `reverse` agreements: record the debtor's approval of an invoice before it is funded. */
export const debtorApprovalAction = formAction(
  'debtor.approval',
  z.object({ invoiceId: id('Invoice'), date: businessDate('Debtor approval date') }),
  async ({ tx, input, actor }) => {
    const result = await recordDebtorApproval(tx, input.invoiceId, { date: input.date }, actor);
    revalidatePath(`/invoices/${input.invoiceId}`);
    return { message: `Debtor approval recorded for ${result.debtorApprovedDate}.` };
  },
);

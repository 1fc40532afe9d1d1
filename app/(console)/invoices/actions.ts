'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { actionActor } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { runAction, type ActionState } from '@/lib/http/action';
import { createInvoice, verifyInvoice } from '@/lib/invoices';
import { importInvoices } from '@/lib/invoices/import';
import { recordDebtorApproval } from '@/lib/debtors';
import type { ScheduleLineError } from '@/lib/invoices/csv';

/** The one-invoice form: what was typed comes back, so a refused form keeps it. */
export type InvoiceFormState = ActionState & {
  values?: Record<string, string>;
  invoice?: { id: string; number: string };
  /** changes on every answer, so the form re-mounts with `values` */
  seq?: number;
};

/** The upload form: every line error of a refused file, or what was imported. */
export type ImportFormState = ActionState & {
  lineErrors?: ScheduleLineError[];
  count?: number;
  clientId?: string;
  /** changes on every answer, so the form re-mounts with the client chosen */
  seq?: number;
};

const INVOICE_FIELDS = ['clientId', 'debtorId', 'number', 'faceValue', 'currency', 'issueDate', 'dueDate'] as const;

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

export async function createInvoiceAction(_prev: InvoiceFormState, form: FormData): Promise<InvoiceFormState> {
  const values = Object.fromEntries(INVOICE_FIELDS.map((f) => [f, text(form, f)]));
  const state: InvoiceFormState = await runAction(async () => {
    const actor = await actionActor('funding');
    try {
      const invoice = await getDatabase().transaction((tx) => createInvoice(tx, values, actor));
      revalidatePath('/invoices');
      return {
        ok: true,
        message: `Invoice ${invoice.number} is entered (submitted) for ${invoice.faceValue} ${invoice.currency}.`,
        invoice: { id: invoice.id, number: invoice.number },
        // Keep client, debtor, currency and dates for the next invoice of the same schedule.
        values: { ...values, number: '', faceValue: '' },
      } satisfies InvoiceFormState;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'duplicate_invoice') {
        return { ok: false, message: error.message, errors: { number: 'exists already for this client and debtor' } };
      }
      throw error;
    }
  });
  return { values, ...state, seq: Date.now() };
}

export async function importScheduleAction(_prev: ImportFormState, form: FormData): Promise<ImportFormState> {
  const clientId = text(form, 'clientId');
  const state: ImportFormState = await runAction(async () => {
    const actor = await actionActor('funding');
    const file = form.get('file');
    if (file === null || typeof file === 'string' || file.size === 0) {
      return { ok: false, message: 'Choose the CSV file of the schedule of accounts.', errors: { file: 'choose a CSV file' } };
    }
    let csv: string;
    try {
      csv = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      return { ok: false, message: `${file.name} is not UTF-8 text; save it as "CSV UTF-8" and upload it again.`, errors: { file: 'not UTF-8 text' } };
    }
    try {
      const result = await getDatabase().transaction((tx) => importInvoices(tx, { clientId, csv }, actor));
      revalidatePath('/invoices');
      return { ok: true, message: `Imported ${result.count} invoice${result.count === 1 ? '' : 's'} from ${file.name}; they are submitted and wait for verification.`, count: result.count } satisfies ImportFormState;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'invalid_schedule') {
        return { ok: false, message: `${file.name}: ${error.message}.`, lineErrors: error.details.errors as ScheduleLineError[] } satisfies ImportFormState;
      }
      throw error;
    }
  });
  return { ...state, clientId, seq: Date.now() };
}

export async function verifyInvoiceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('funding');
    const invoiceId = text(form, 'invoiceId');
    if (!/^[1-9]\d{0,15}$/.test(invoiceId)) return { ok: false, message: 'No such invoice.' };
    const invoice = await getDatabase().transaction((tx) => verifyInvoice(tx, Number(invoiceId), actor));
    revalidatePath('/invoices');
    revalidatePath(`/invoices/${invoice.id}`);
    return { ok: true, message: `Invoice ${invoice.number} is verified and can be funded.` };
  });
}

/** `reverse` agreements: record the debtor's approval of an invoice before it is funded. */
export async function debtorApprovalAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('funding', 'underwriter');
    const invoiceId = Number(form.get('invoiceId'));
    const result = await getDatabase().transaction((tx) => recordDebtorApproval(tx, invoiceId, { date: String(form.get('date') ?? '') }, actor));
    revalidatePath(`/invoices/${invoiceId}`);
    return { ok: true, message: `Debtor approval recorded for ${result.debtorApprovedDate}.` };
  });
}

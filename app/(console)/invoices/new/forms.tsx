'use client';

import Link from 'next/link';
import { startTransition, useActionState, useState, type FormEvent } from 'react';
import { fieldClass, primaryButton } from '@/app/(console)/clients/form-kit';
import { ClientPicker } from '@/app/_components/client-picker';
import { DebtorPicker } from '@/app/_components/debtor-picker';
import { FieldError } from '@/app/_components/field-error';
import { ImportAnswer, readUploadedText } from '@/app/_components/file-import';
import { typedValue } from '@/lib/http/action-state';
import { MONEY_HINT } from '@/lib/validation/fields';
import { createInvoiceAction, importScheduleAction, type ImportFormState, type InvoiceFormState } from '../actions';

/** Kept after an invoice went in: the next one of a schedule has the same client, debtor, currency and dates. */
const KEPT = ['clientId', 'clientIdLabel', 'debtorId', 'debtorIdLabel', 'currency', 'issueDate', 'dueDate'] as const;

type InvoiceState = InvoiceFormState & { seq: number; kept?: Record<string, string> };

/** One invoice by hand (API.md POST /invoices). */
export function InvoiceForm() {
  const [state, dispatch, pending] = useActionState(
    async (prev: InvoiceState, form: FormData): Promise<InvoiceState> => {
      const next = (await createInvoiceAction(prev, form)) as InvoiceFormState;
      const kept = next.ok ? Object.fromEntries(KEPT.map((k) => [k, String(form.get(k) ?? '')])) : prev.kept;
      return { ...next, seq: prev.seq + 1, kept };
    },
    { ok: false, message: '', seq: 0 },
  );
  return (
    <div>
      {/* Re-mounted on every answer: a refused form shows what was typed, an accepted one keeps client, debtor, currency and dates. */}
      <InvoiceFields key={state.seq} state={state} dispatch={dispatch} pending={pending} />
      {state.message ? (
        <div
          role={state.ok ? 'status' : 'alert'}
          className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}
        >
          <p>{state.message}</p>
          {state.ok && state.invoice ? (
            <p className="mt-1">
              <Link className="underline" href={`/invoices/${state.invoice.id}`}>
                Open invoice {state.invoice.number}
              </Link>
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function InvoiceFields({ state, dispatch, pending }: { state: InvoiceState; dispatch: (form: FormData) => void; pending: boolean }) {
  const err = state.ok ? {} : (state.errors ?? {});
  // What was typed (refused), else what is kept for the next invoice (accepted), else the default.
  const value = (name: string, fallback = '') => typedValue(state, name, state.kept?.[name] ?? fallback);
  const [currency, setCurrency] = useState(value('currency'));
  const field = (name: string) => ({
    id: `invoice-${name}`,
    name,
    'aria-invalid': err[name] ? true : undefined,
    'aria-describedby': err[name] ? `invoice-${name}-error` : undefined,
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  return (
    <form onSubmit={onSubmit} aria-label="Enter an invoice" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <div className="sm:col-span-2">
        {/* 10,000 clients: a typeahead, not a select. An invoice is usually in the client's home currency; export agreements may change it. */}
        <ClientPicker
          name="clientId"
          initialId={value('clientId')}
          initialLabel={value('clientIdLabel')}
          error={err.clientId}
          onPick={(c) => setCurrency(c.currency)}
        />
      </div>
      <div className="sm:col-span-2">
        {/* 2,000+ debtors: typed too; each suggestion shows the number, credit limit and open invoices. */}
        <DebtorPicker name="debtorId" initialId={value('debtorId')} initialLabel={value('debtorIdLabel')} error={err.debtorId} />
      </div>
      <div>
        <label htmlFor="invoice-number" className="text-sm font-medium">
          Invoice number
        </label>
        <input {...field('number')} required maxLength={80} className={fieldClass} defaultValue={state.ok ? '' : value('number')} />
        <FieldError id="invoice-number-error" message={err.number} />
      </div>
      <div>
        <label htmlFor="invoice-faceValue" className="text-sm font-medium">
          Face value
        </label>
        <input
          {...field('faceValue')}
          required
          inputMode="decimal"
          placeholder="10,000.00"
          title={MONEY_HINT}
          className={`${fieldClass} num`}
          defaultValue={state.ok ? '' : value('faceValue')}
        />
        <FieldError id="invoice-faceValue-error" message={err.faceValue} />
      </div>
      <div>
        <label htmlFor="invoice-currency" className="text-sm font-medium">
          Currency
        </label>
        <input
          {...field('currency')}
          required
          maxLength={3}
          className={fieldClass}
          value={currency}
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
        />
        <FieldError id="invoice-currency-error" message={err.currency} />
      </div>
      <div className="hidden lg:block" />
      <div>
        <label htmlFor="invoice-issueDate" className="text-sm font-medium">
          Issue date
        </label>
        <input {...field('issueDate')} type="date" required className={fieldClass} defaultValue={value('issueDate')} />
        <FieldError id="invoice-issueDate-error" message={err.issueDate} />
      </div>
      <div>
        <label htmlFor="invoice-dueDate" className="text-sm font-medium">
          Due date
        </label>
        <input {...field('dueDate')} type="date" required className={fieldClass} defaultValue={value('dueDate')} />
        <FieldError id="invoice-dueDate-error" message={err.dueDate} />
      </div>
      <div className="flex items-end sm:col-span-2">
        <button type="submit" disabled={pending} className={primaryButton}>
          {pending ? 'Entering…' : 'Enter invoice'}
        </button>
      </div>
    </form>
  );
}

type ImportState = ImportFormState & { imports: number };

/**
 * A schedule of accounts for one client: every row imported, or nothing and every bad line
 * listed. The browser reads the file and sends its text (the action reads no file by hand).
 */
export function ScheduleUploadForm() {
  const [state, dispatch, pending] = useActionState(
    async (prev: ImportState, form: FormData): Promise<ImportState> => {
      const next = (await importScheduleAction(prev, form)) as ImportFormState;
      return { ...next, imports: prev.imports + (next.ok ? 1 : 0) };
    },
    { ok: false, message: '', imports: 0 },
  );
  const [unreadable, setUnreadable] = useState<string | null>(null);
  const serverErrors = state.ok ? {} : (state.errors ?? {});
  const err = unreadable ? { file: unreadable } : { clientId: serverErrors.clientId, file: serverErrors.csv ?? serverErrors.fileName };
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const file = (formElement.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
    const data = new FormData();
    const fields = new FormData(formElement);
    data.set('clientId', String(fields.get('clientId') ?? ''));
    data.set('clientIdLabel', String(fields.get('clientIdLabel') ?? ''));
    if (file) {
      // Larger files, up to 50,000 rows, go through POST /api/v1/invoices/import.
      const read = await readUploadedText(file, {
        tooLarge: 'split it, or send it to the API (POST /api/v1/invoices/import)',
        notUtf8: 'save it as "CSV UTF-8" and upload it again',
      });
      if ('error' in read) {
        setUnreadable(read.error);
        return;
      }
      data.set('csv', read.text);
      data.set('fileName', file.name);
    }
    setUnreadable(null);
    startTransition(() => dispatch(data));
  };
  return (
    <div>
      {/* a blank form after each import; a refused one keeps the client and the file chosen */}
      <form key={state.imports} onSubmit={onSubmit} aria-label="Import a schedule of accounts" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="sm:col-span-2">
          <ClientPicker name="clientId" initialId={typedValue(state, 'clientId')} initialLabel={typedValue(state, 'clientIdLabel')} error={err.clientId} />
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="schedule-file" className="text-sm font-medium">
            Schedule of accounts (CSV)
          </label>
          <input
            id="schedule-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            className={`${fieldClass} bg-white`}
            aria-invalid={err.file ? true : undefined}
            aria-describedby={err.file ? 'schedule-file-error schedule-help' : 'schedule-help'}
          />
          <FieldError id="schedule-file-error" message={err.file} />
        </div>
        <p id="schedule-help" className="text-xs text-slate-600 sm:col-span-2 lg:col-span-3">
          A header row, then one invoice per row: <code>number, debtor, face_value, currency, issue_date, due_date</code>. The debtor is its id or its exact
          name; an empty currency is the client&apos;s; dates are YYYY-MM-DD. A file with any bad line imports nothing.
        </p>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Importing…' : 'Import invoices'}
          </button>
        </div>
      </form>
      {state.message && !unreadable ? (
        <ImportAnswer state={state}>
          {state.ok ? (
            <p className="mt-1">
              <Link className="underline" href="/invoices?status=submitted">
                See the submitted invoices
              </Link>
            </p>
          ) : null}
        </ImportAnswer>
      ) : null}
    </div>
  );
}

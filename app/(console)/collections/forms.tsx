'use client';

import { createContext, useActionState, useContext, useEffect, useId, useRef, type ReactNode } from 'react';
import { Field, fieldClass, primaryButton, secondaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import {
  importBankFileAction,
  openDisputeAction,
  recordMisdirectedAction,
  recordPaymentAction,
  recourseAction,
  type CollectionsState,
  type ImportState,
} from './actions';
import { Answer } from './inbox';

const initial: CollectionsState = { ok: false, message: '' };
const smallField = 'mt-1 block rounded-md border border-slate-300 px-2 py-1 text-sm';

/**
 * An action's state for a form that keeps what was typed when refused (submitWith does not reset
 * the form) and empties itself when the command went through.
 */
function useCollectionsForm<S extends CollectionsState>(fn: (prev: S, form: FormData) => Promise<S>, init: S) {
  const [state, action, pending] = useActionState<S, FormData>(fn, init as Awaited<S>);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) ref.current?.reset();
  }, [state]);
  return { state, pending, ref, onSubmit: submitWith(action), err: state.errors ?? {} };
}

/** SPEC 5.2: a payment into unapplied cash; an exact match is applied at once. */
export function RecordPaymentForm({ today }: { today: string }) {
  const { state, pending, ref, onSubmit, err } = useCollectionsForm(recordPaymentAction, initial);
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Record a payment" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <Field id={`${id}-amount`} label="Amount" error={err.amount}>
          <input id={`${id}-amount`} name="amount" required inputMode="decimal" placeholder="950.00" className={`${fieldClass} num`} aria-invalid={err.amount ? true : undefined} />
        </Field>
        <Field id={`${id}-currency`} label="Currency" error={err.currency}>
          <input id={`${id}-currency`} name="currency" required maxLength={3} defaultValue="USD" className={fieldClass} aria-invalid={err.currency ? true : undefined} />
        </Field>
        <Field id={`${id}-date`} label="Received date" error={err.receivedDate}>
          <input id={`${id}-date`} name="receivedDate" type="date" required defaultValue={today} className={fieldClass} aria-invalid={err.receivedDate ? true : undefined} />
        </Field>
        <Field id={`${id}-payer`} label="Payer name" error={err.payerName}>
          <input id={`${id}-payer`} name="payerName" maxLength={300} className={fieldClass} />
        </Field>
        <div className="sm:col-span-2">
          <Field id={`${id}-reference`} label="Reference" hint="The remittance text: invoice numbers in it are matched" error={err.reference}>
            <input id={`${id}-reference`} name="reference" maxLength={4000} className={fieldClass} aria-describedby={`${id}-reference-hint`} />
          </Field>
        </div>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Recording…' : 'Record payment'}
          </button>
        </div>
      </form>
      <Answer state={state} />
    </div>
  );
}

/** CSV, camt.053 or BAI2: every credit a payment; a file with errors imports nothing unless asked. */
export function ImportBankFileForm() {
  const { state, pending, ref, onSubmit, err } = useCollectionsForm<ImportState>(importBankFileAction, initial);
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Import a bank file" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <Field id={`${id}-file`} label="Bank file" error={err.file}>
          <input
            id={`${id}-file`}
            name="file"
            type="file"
            required
            accept=".csv,.txt,.xml,.bai,.bai2,text/csv,text/plain,application/xml,text/xml"
            className={`${fieldClass} bg-white`}
            aria-invalid={err.file ? true : undefined}
          />
        </Field>
        <Field id={`${id}-format`} label="Format">
          <select id={`${id}-format`} name="format" defaultValue="" className={fieldClass}>
            <option value="">Detect from the file</option>
            <option value="csv">CSV</option>
            <option value="camt053">camt.053 (ISO 20022 XML)</option>
            <option value="bai2">BAI2</option>
          </select>
        </Field>
        <div className="flex items-end gap-2">
          <input id={`${id}-partial`} name="partial" type="checkbox" className="mb-2" />
          <label htmlFor={`${id}-partial`} className="mb-1 text-sm">
            Import the good lines even if some have errors
          </label>
        </div>
        <p className="text-xs text-slate-600 sm:col-span-2">
          Credits only; each becomes a payment and is matched at once. Importing the same file again adds nothing (each payment keeps the bank&apos;s reference).
        </p>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Importing…' : 'Import bank file'}
          </button>
        </div>
      </form>
      {state.message ? (
        <div role={state.ok ? 'status' : 'alert'} className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}>
          <p>{state.message}</p>
          {state.lineErrors && state.lineErrors.length > 0 ? (
            <ul aria-label="Line errors" className="mt-2 max-h-96 list-none space-y-1 overflow-y-auto">
              {state.lineErrors.map((e, i) => (
                <li key={i}>
                  <span className="font-medium">Line {e.line}:</span> {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function OpenDisputeForm({ today }: { today: string }) {
  const { state, pending, ref, onSubmit, err } = useCollectionsForm(openDisputeAction, initial);
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Open a dispute" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <Field id={`${id}-invoice`} label="Invoice id" error={err.invoiceId}>
          <input id={`${id}-invoice`} name="invoiceId" required inputMode="numeric" className={fieldClass} aria-invalid={err.invoiceId ? true : undefined} />
        </Field>
        <Field id={`${id}-amount`} label="Disputed amount" error={err.amount}>
          <input id={`${id}-amount`} name="amount" required inputMode="decimal" className={`${fieldClass} num`} aria-invalid={err.amount ? true : undefined} />
        </Field>
        <div className="sm:col-span-2">
          <Field id={`${id}-reason`} label="Reason" error={err.reason}>
            <input id={`${id}-reason`} name="reason" required maxLength={2000} className={fieldClass} aria-invalid={err.reason ? true : undefined} />
          </Field>
        </div>
        <Field id={`${id}-date`} label="Opened on" error={err.date}>
          <input id={`${id}-date`} name="date" type="date" defaultValue={today} className={fieldClass} />
        </Field>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            Open dispute
          </button>
        </div>
      </form>
      <Answer state={state} />
    </div>
  );
}

/**
 * One answer area for the forms in a table's rows: a row leaves the table once its command went
 * through (a resolved dispute, a remitted payment), so the answer is shown above the table instead.
 */
const RowAction = createContext<{ submit: ReturnType<typeof submitWith>; pending: boolean } | null>(null);

export function RowActions({ action, children }: { action: (prev: CollectionsState, form: FormData) => Promise<CollectionsState>; children: ReactNode }) {
  const [state, dispatch, pending] = useActionState(action, initial);
  return (
    <RowAction.Provider value={{ submit: submitWith(dispatch), pending }}>
      <Answer state={state} />
      {children}
    </RowAction.Provider>
  );
}

function useRowAction() {
  const ctx = useContext(RowAction);
  if (!ctx) throw new Error('a row form needs <RowActions> around its table');
  return ctx;
}

/** In a row of the open disputes: paid (the invoice is open again), credit note or chargeback. */
export function ResolveDisputeForm({ disputeId, invoiceId, number, amount, today }: { disputeId: string; invoiceId: string; number: string; amount: string; today: string }) {
  const { submit, pending } = useRowAction();
  const id = useId();
  return (
    <form onSubmit={submit} aria-label={`Resolve the dispute on ${number}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="disputeId" value={disputeId} />
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <div>
        <label htmlFor={`${id}-outcome`} className="text-xs font-medium">
          Outcome
        </label>
        <select id={`${id}-outcome`} name="outcome" defaultValue="paid" className={smallField}>
          <option value="paid">paid: the debtor pays after all</option>
          <option value="credit_note">credit_note: the client credited the debtor</option>
          <option value="chargeback">chargeback: charge it back to the client</option>
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-amount`} className="text-xs font-medium">
          Amount
        </label>
        <input id={`${id}-amount`} name="amount" inputMode="decimal" defaultValue={amount} className={`${smallField} num w-28`} />
      </div>
      <div>
        <label htmlFor={`${id}-date`} className="text-xs font-medium">
          Date
        </label>
        <input id={`${id}-date`} name="date" type="date" defaultValue={today} className={smallField} />
      </div>
      <button type="submit" disabled={pending} className={secondaryButton}>
        Resolve
      </button>
    </form>
  );
}

export function MisdirectedForm({ clients, debtors, today }: { clients: { id: string; name: string; currency: string }[]; debtors: { id: string; name: string }[]; today: string }) {
  const { state, pending, ref, onSubmit, err } = useCollectionsForm(recordMisdirectedAction, initial);
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Record a misdirected payment" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field id={`${id}-client`} label="Client (who was paid)" error={err.clientId}>
          <select id={`${id}-client`} name="clientId" required defaultValue="" className={fieldClass}>
            <option value="" disabled>
              Choose the client
            </option>
            {clients.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.currency})
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-debtor`} label="Debtor (who paid)" error={err.debtorId}>
          <select id={`${id}-debtor`} name="debtorId" required defaultValue="" className={fieldClass}>
            <option value="" disabled>
              Choose the debtor
            </option>
            {debtors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-amount`} label="Amount" error={err.amount}>
          <input id={`${id}-amount`} name="amount" required inputMode="decimal" className={`${fieldClass} num`} aria-invalid={err.amount ? true : undefined} />
        </Field>
        <Field id={`${id}-currency`} label="Currency" error={err.currency}>
          <input id={`${id}-currency`} name="currency" required maxLength={3} defaultValue="USD" className={fieldClass} />
        </Field>
        <Field id={`${id}-date`} label="Paid on" error={err.paidDate}>
          <input id={`${id}-date`} name="paidDate" type="date" required defaultValue={today} className={fieldClass} />
        </Field>
        <Field id={`${id}-invoices`} label="Invoice ids (comma-separated)" error={err.invoiceIds}>
          <input id={`${id}-invoices`} name="invoiceIds" placeholder="101, 102" className={fieldClass} aria-invalid={err.invoiceIds ? true : undefined} />
        </Field>
        <Field id={`${id}-note`} label="Note" error={err.note}>
          <input id={`${id}-note`} name="note" maxLength={1000} className={fieldClass} />
        </Field>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            Record misdirected payment
          </button>
        </div>
      </form>
      <Answer state={state} />
    </div>
  );
}

/** The client passed the money on: received as a payment and applied to the invoices it paid. */
export function RemitForm({ misdirectedId, label, today }: { misdirectedId: string; label: string; today: string }) {
  const { submit, pending } = useRowAction();
  const id = useId();
  return (
    <form onSubmit={submit} aria-label={`Client remitted ${label}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="id" value={misdirectedId} />
      <div>
        <label htmlFor={`${id}-date`} className="text-xs font-medium">
          Received date
        </label>
        <input id={`${id}-date`} name="receivedDate" type="date" required defaultValue={today} className={smallField} />
      </div>
      <button type="submit" disabled={pending} className={secondaryButton}>
        Client remitted
      </button>
    </form>
  );
}

/** Recourse → charge back; non-recourse → write off. The lib refuses the wrong one and says why. */
export function RecourseForm({ today }: { today: string }) {
  const { state, pending, ref, onSubmit, err } = useCollectionsForm(recourseAction, initial);
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Charge back or write off an invoice" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field id={`${id}-invoice`} label="Invoice id" error={err.invoiceId}>
          <input id={`${id}-invoice`} name="invoiceId" required inputMode="numeric" className={fieldClass} aria-invalid={err.invoiceId ? true : undefined} />
        </Field>
        <Field id={`${id}-date`} label="Date" error={err.date}>
          <input id={`${id}-date`} name="date" type="date" required defaultValue={today} className={fieldClass} aria-invalid={err.date ? true : undefined} />
        </Field>
        <div className="flex items-end gap-2 sm:col-span-2">
          <button type="submit" name="intent" value="chargeback" disabled={pending} className={primaryButton}>
            Charge back (recourse)
          </button>
          <button type="submit" name="intent" value="write_off" disabled={pending} className="rounded-md border border-red-300 px-3 py-2 text-sm text-red-800 disabled:opacity-60">
            Write off (non-recourse)
          </button>
        </div>
      </form>
      <Answer state={state} />
    </div>
  );
}

'use client';

import { createContext, useContext, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Field, fieldClass, primaryButton, secondaryButton } from '@/app/(console)/clients/form-kit';
import { ClientPicker } from '@/app/_components/client-picker';
import { DebtorPicker } from '@/app/_components/debtor-picker';
import { useConfirmableAction } from '@/app/_components/confirm-step';
import { typedValue } from '@/lib/http/action-state';
import { MONEY_HINT } from '@/lib/validation/fields';
import { openDisputeAction, recordMisdirectedAction, recordPaymentAction, recourseAction, type CollectionsState } from './actions';
import {
  ConfirmArea,
  DisputeFields,
  fieldErrors,
  invalid,
  InvoiceNumberField,
  RecourseDateField,
  RowField,
  smallField,
  StateInput,
  writeOffButton,
} from './form-parts';
import { Answer } from './inbox';

const initial: CollectionsState = { ok: false, message: '' };

type Act<S> = (prev: S, form: FormData) => Promise<S>;
/** formAction's answers carry the collections extras (lines, choices, confirm) at run time. */
const typed = <S extends CollectionsState>(action: unknown) => action as Act<S>;

/**
 * An action's state for a form that keeps what was typed when refused (the form is not reset),
 * empties itself when the command went through, and shows a confirm step when the action asks.
 */
function useCollectionsForm<S extends CollectionsState>(action: Act<S>, init: S) {
  const form = useConfirmableAction<S>(action, init);
  const ref = useRef<HTMLFormElement>(null);
  const { state } = form;
  useEffect(() => {
    if (state.ok && !state.confirm) ref.current?.reset();
  }, [state]);
  return { ...form, ref, err: fieldErrors(state) };
}

/**
 * The client of an invoice named by its number: only needed when two clients use the number. The
 * options are the clients the page lists, or — after an ambiguous number — the clients that use it.
 */
function InvoiceClientSelect({
  id,
  name,
  state,
  clients,
  error,
}: {
  id: string;
  name: string;
  state: CollectionsState;
  clients?: { id: string; name: string }[];
  error?: string;
}) {
  // The clients an ambiguous number named stay offered while the person confirms or corrects.
  const [named, setNamed] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    if (state.choices && state.choices.length > 0) setNamed(state.choices);
    else if (state.ok && !state.confirm) setNamed([]);
  }, [state]);
  const options = new Map((clients ?? []).map((c) => [c.id, c.name]));
  for (const c of [...named, ...(state.choices ?? [])]) options.set(c.id, c.name);
  if (options.size === 0) return null;
  return (
    <Field id={id} label="Client (when two clients use the number)" error={error}>
      <select id={id} name={name} defaultValue={typedValue(state, name)} className={fieldClass} {...invalid(`${id}-error`, error)}>
        <option value="">Any client</option>
        {[...options.entries()].map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** SPEC 5.2: a payment into unapplied cash; an exact match is applied at once. */
export function RecordPaymentForm({ today }: { today: string }) {
  const form = useCollectionsForm(typed<CollectionsState>(recordPaymentAction), initial);
  const { state, pending, ref, onSubmit, err } = form;
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Record a payment" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <StateInput id={`${id}-amount`} name="amount" label="Amount" hint={MONEY_HINT} state={state} error={err.amount} money required placeholder="950.00" />
        <StateInput id={`${id}-currency`} name="currency" label="Currency" state={state} fallback="USD" error={err.currency} required maxLength={3} />
        <StateInput id={`${id}-date`} name="receivedDate" label="Received date" type="date" state={state} fallback={today} error={err.receivedDate} required />
        <StateInput id={`${id}-payer`} name="payerName" label="Payer name" state={state} error={err.payerName} maxLength={300} />
        <div className="sm:col-span-2">
          <Field id={`${id}-reference`} label="Reference" hint="The remittance text: invoice numbers in it are matched" error={err.reference}>
            <input
              id={`${id}-reference`}
              name="reference"
              maxLength={4000}
              defaultValue={typedValue(state, 'reference')}
              className={fieldClass}
              aria-describedby={err.reference ? `${id}-reference-error` : `${id}-reference-hint`}
              aria-invalid={err.reference ? true : undefined}
            />
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

/** SPEC 5.2: a dispute on an invoice named by its number (the client only when two clients use it). */
export function OpenDisputeForm({ today, clients }: { today: string; clients?: { id: string; name: string }[] }) {
  const form = useCollectionsForm(typed<CollectionsState>(openDisputeAction), initial);
  const { state, pending, ref, onSubmit, err } = form;
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Open a dispute" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <InvoiceNumberField id={`${id}-invoice`} state={state} err={err} />
        <InvoiceClientSelect id={`${id}-client`} name="clientId" state={state} clients={clients} error={err.clientId} />
        <DisputeFields id={id} state={state} err={err} today={today} />
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
 * through (a resolved dispute, a remitted payment), so the answer — and a question to confirm — is
 * shown above the table instead.
 */
const RowAction = createContext<{ submit: (event: FormEvent<HTMLFormElement>) => void; pending: boolean; state: CollectionsState } | null>(null);

export function RowActions({ action, children }: { action: (prev: CollectionsState, form: FormData) => Promise<CollectionsState>; children: ReactNode }) {
  const form = useConfirmableAction<CollectionsState>(typed<CollectionsState>(action), initial);
  return (
    <RowAction.Provider value={{ submit: form.onSubmit, pending: form.pending, state: form.state }}>
      <ConfirmArea form={form} what="nothing was done." />
      {form.state.confirm ? null : <Answer state={form.state} />}
      {children}
    </RowAction.Provider>
  );
}

function useRowAction() {
  const ctx = useContext(RowAction);
  if (!ctx) throw new Error('a row form needs <RowActions> around its table');
  return ctx;
}

/** In a row of the open disputes: paid (the invoice is open again), credit note or chargeback (asks first, naming the amount). */
export function ResolveDisputeForm({
  disputeId,
  invoiceId,
  number,
  amount,
  today,
}: {
  disputeId: string;
  invoiceId: string;
  number: string;
  amount: string;
  today: string;
}) {
  const { submit, pending, state } = useRowAction();
  const id = useId();
  // The shared answer is this row's when what was sent back names this dispute.
  const mine = !state.ok && typedValue(state, 'disputeId') === disputeId;
  const err = mine ? (state.errors ?? {}) : {};
  const typed = (name: string, fallback: string) => (mine ? typedValue(state, name, fallback) : fallback);
  return (
    <form onSubmit={submit} aria-label={`Resolve the dispute on ${number}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="disputeId" value={disputeId} />
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <RowField id={`${id}-outcome`} label="Outcome" error={err.outcome}>
        <select
          id={`${id}-outcome`}
          name="outcome"
          defaultValue={typed('outcome', 'paid')}
          className={smallField}
          {...invalid(`${id}-outcome-error`, err.outcome)}
        >
          <option value="paid">paid: the debtor pays after all</option>
          <option value="credit_note">credit_note: the client credited the debtor</option>
          <option value="chargeback">chargeback: charge it back to the client</option>
        </select>
      </RowField>
      <RowField id={`${id}-amount`} label="Amount" error={err.amount}>
        <input
          id={`${id}-amount`}
          name="amount"
          inputMode="decimal"
          defaultValue={typed('amount', amount)}
          className={`${smallField} num w-28`}
          {...invalid(`${id}-amount-error`, err.amount)}
        />
      </RowField>
      <RowField id={`${id}-date`} label="Date" error={err.date}>
        <input
          id={`${id}-date`}
          name="date"
          type="date"
          defaultValue={typed('date', today)}
          className={smallField}
          {...invalid(`${id}-date-error`, err.date)}
        />
      </RowField>
      <button type="submit" disabled={pending} className={secondaryButton}>
        Resolve
      </button>
    </form>
  );
}

export function MisdirectedForm({ today }: { today: string }) {
  const form = useCollectionsForm(typed<CollectionsState>(recordMisdirectedAction), initial);
  const { state, pending, ref, onSubmit, err } = form;
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Record a misdirected payment" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {/* 10,000 clients and 2,000+ debtors: typed, not selects (issue 13). */}
        <ClientPicker
          name="clientId"
          label="Client (who was paid)"
          initialId={typedValue(state, 'clientId')}
          initialLabel={typedValue(state, 'clientIdLabel')}
          error={err.clientId}
        />
        <DebtorPicker
          name="debtorId"
          label="Debtor (who paid)"
          initialId={typedValue(state, 'debtorId')}
          initialLabel={typedValue(state, 'debtorIdLabel')}
          error={err.debtorId}
        />
        <StateInput id={`${id}-amount`} name="amount" label="Amount" state={state} error={err.amount} money required title={MONEY_HINT} />
        <StateInput id={`${id}-currency`} name="currency" label="Currency" state={state} fallback="USD" error={err.currency} required maxLength={3} />
        <StateInput id={`${id}-date`} name="paidDate" label="Paid on" type="date" state={state} fallback={today} error={err.paidDate} required />
        <StateInput
          id={`${id}-invoices`}
          name="invoiceNumbers"
          label="Invoice numbers (comma-separated)"
          state={state}
          error={err.invoiceNumbers}
          placeholder="NW-1001, NW-1002"
        />
        <StateInput id={`${id}-note`} name="note" label="Note" state={state} error={err.note} maxLength={1000} />
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
  const { submit, pending, state } = useRowAction();
  const id = useId();
  const err = !state.ok && typedValue(state, 'id') === misdirectedId ? (state.errors ?? {}) : {};
  return (
    <form onSubmit={submit} aria-label={`Client remitted ${label}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="id" value={misdirectedId} />
      <RowField id={`${id}-date`} label="Received date" error={err.receivedDate}>
        <input
          id={`${id}-date`}
          name="receivedDate"
          type="date"
          required
          defaultValue={today}
          className={smallField}
          {...invalid(`${id}-date-error`, err.receivedDate)}
        />
      </RowField>
      <button type="submit" disabled={pending} className={secondaryButton}>
        Client remitted
      </button>
    </form>
  );
}

/**
 * Recourse → charge back; non-recourse → write off; the invoice named by its number. Either asks
 * first, naming what is still owed. The lib refuses the wrong one and says why.
 */
export function RecourseForm({ today, clients }: { today: string; clients?: { id: string; name: string }[] }) {
  const form = useCollectionsForm(typed<CollectionsState>(recourseAction), initial);
  const { state, pending, ref, onSubmit, err } = form;
  const id = useId();
  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Charge back or write off an invoice" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <InvoiceNumberField id={`${id}-invoice`} state={state} err={err} />
        <InvoiceClientSelect id={`${id}-client`} name="clientId" state={state} clients={clients} error={err.clientId} />
        <RecourseDateField id={`${id}-date`} state={state} err={err} today={today} />
        <div className="flex items-end gap-2 sm:col-span-2">
          <button type="submit" name="intent" value="chargeback" disabled={pending} className={primaryButton}>
            Charge back (recourse)
          </button>
          <button type="submit" name="intent" value="write_off" disabled={pending} className={writeOffButton}>
            Write off (non-recourse)
          </button>
        </div>
      </form>
      <ConfirmArea form={form} what="nothing was charged back or written off." />
      {state.confirm ? null : <Answer state={state} />}
    </div>
  );
}

'use client';

import type { InputHTMLAttributes, ReactNode } from 'react';
import { Field, fieldClass } from '@/app/(console)/clients/form-kit';
import { Cancelled, ConfirmStep, type useConfirmableAction } from '@/app/_components/confirm-step';
import { FieldError, invalid } from '@/app/_components/field-error';
import { InvoiceNumberInput } from '@/app/_components/invoice-number-input';
import { typedValue } from '@/lib/http/action-state';
import { MONEY_HINT } from '@/lib/validation/fields';
import type { CollectionsState } from './actions';

/**
 * The pieces the collections forms (Collections, its inbox, and an invoice's own actions) are
 * built from: one command, one set of fields, wherever a person takes it from.
 */

export const smallField = 'mt-1 block rounded-md border border-slate-300 px-2 py-1 text-sm';
export const writeOffButton = 'rounded-md border border-red-300 px-3 py-2 text-sm text-red-800 disabled:opacity-60';

export { invalid };

/** The field errors of a refused answer (none after a success). */
export const fieldErrors = (state: CollectionsState): Record<string, string> => (state.ok ? {} : (state.errors ?? {}));

/** The error under a small field in a table row or a card. */
export function RowError({ id, message }: { id: string; message: string | undefined }) {
  return <FieldError id={id} message={message} className="mt-0.5 max-w-xs text-xs text-red-700" />;
}

/**
 * A small labelled field of a row form, its error under it (`<id>-error`). `row`: the number of a
 * repeated row, read out after the label (`Amount 2`) so each row's field has its own name.
 */
export function RowField({ id, label, row, error, children }: { id: string; label: string; row?: number; error: string | undefined; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="text-xs font-medium">
        {label}
        {row === undefined ? null : <span className="sr-only"> {row}</span>}
      </label>
      {children}
      <RowError id={`${id}-error`} message={error} />
    </div>
  );
}

type StateInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'defaultValue' | 'className'> & {
  id: string;
  name: string;
  label: string;
  state: CollectionsState;
  /** the value before anything was typed */
  fallback?: string;
  error: string | undefined;
  hint?: string;
  /** an amount: decimal keyboard, figures aligned */
  money?: boolean;
};

/**
 * A labelled input wired to a collections action's state: after a refusal it shows what was typed
 * and its error under it, named in its accessible description.
 */
export function StateInput({ id, name, label, state, fallback, error, hint, money, ...input }: StateInputProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        inputMode={money ? 'decimal' : undefined}
        {...input}
        defaultValue={typedValue(state, name, fallback)}
        className={money ? `${fieldClass} num` : fieldClass}
        {...invalid(`${id}-error`, error)}
      />
    </Field>
  );
}

/** The question and the Cancelled note of a form that asks before acting. */
export function ConfirmArea({
  form,
  what,
}: {
  form: Pick<ReturnType<typeof useConfirmableAction>, 'asking' | 'confirm' | 'cancel' | 'cancelled' | 'pending'>;
  what: string;
}) {
  return (
    <>
      <ConfirmStep request={form.asking} onConfirm={form.confirm} onCancel={form.cancel} pending={form.pending} />
      <Cancelled show={form.cancelled} what={what} />
    </>
  );
}

/**
 * The invoice named by its number; after an ambiguous number, the invoices it names to choose from
 * (the chosen one's id is sent with the number).
 */
export function InvoiceNumberField({ id, state, err }: { id: string; state: CollectionsState; err: Record<string, string> }) {
  return (
    <Field id={id} label="Invoice number" error={err.invoiceNumber ?? err.invoiceId}>
      <InvoiceNumberInput
        id={id}
        required
        defaultValue={typedValue(state, 'invoiceNumber')}
        choices={state.ok ? undefined : state.invoiceChoices}
        error={err.invoiceNumber ?? err.invoiceId}
        idError={err.invoiceId}
        inputClassName={fieldClass}
      />
    </Field>
  );
}

/**
 * SPEC 5.2: what a dispute takes besides its invoice — the disputed amount, the reason, the day
 * it opened — the same on Collections → Disputes and on the invoice's page.
 */
export function DisputeFields({
  id,
  state,
  err,
  today,
  amount,
  amountHint,
}: {
  id: string;
  state: CollectionsState;
  err: Record<string, string>;
  today: string;
  /** the amount offered before anything was typed */
  amount?: string;
  amountHint?: string;
}) {
  return (
    <>
      <StateInput
        id={`${id}-amount`}
        name="amount"
        label="Disputed amount"
        hint={amountHint}
        state={state}
        fallback={amount}
        error={err.amount}
        money
        required
        title={MONEY_HINT}
      />
      <div className="sm:col-span-2">
        <StateInput id={`${id}-reason`} name="reason" label="Reason" state={state} error={err.reason} required maxLength={2000} />
      </div>
      <StateInput id={`${id}-date`} name="date" label="Opened on" type="date" state={state} fallback={today} error={err.date} />
    </>
  );
}

/** The day of a charge back or a write-off (SPEC 5.2). */
export function RecourseDateField({ id, state, err, today }: { id: string; state: CollectionsState; err: Record<string, string>; today: string }) {
  return <StateInput id={id} name="date" label="Date" type="date" required state={state} fallback={today} error={err.date} />;
}

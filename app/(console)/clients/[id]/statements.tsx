'use client';

import { useActionState, useId } from 'react';
import { generateStatementAction, setContactPreferencesAction, setPayoutAccountAction } from '../actions';
import { Feedback, Field, fieldClass, initialState, primaryButton, secondaryButton, submitWith } from '../form-kit';

const PERIOD_PLACED = new Set(['from', 'to']);

/** SPEC 7/8: issue (or fetch the stored) reserve statement of a period; it is listed with its download. */
export function GenerateStatementForm({ clientId, from, to }: { clientId: string; from: string; to: string }) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(generateStatementAction, initialState);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Generate statement" className="grid gap-3 sm:grid-cols-3">
      <input type="hidden" name="clientId" value={clientId} />
      <Field id={`${id}-from`} label="Period from" error={err.from}>
        <input id={`${id}-from`} name="from" type="date" required defaultValue={from} className={fieldClass} aria-invalid={Boolean(err.from)} />
      </Field>
      <Field id={`${id}-to`} label="Period to" hint="A period that has ended" error={err.to}>
        <input id={`${id}-to`} name="to" type="date" required defaultValue={to} className={fieldClass} aria-invalid={Boolean(err.to)} />
      </Field>
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={primaryButton}>
          {pending ? 'Generating…' : 'Generate statement'}
        </button>
      </div>
      <div className="sm:col-span-3">
        <Feedback state={state} placed={PERIOD_PLACED} />
      </div>
    </form>
  );
}

/** One contact's email choices: the statement-ready notice and the rebate advice. */
export function ContactPreferencesForm({
  clientId,
  contact,
}: {
  clientId: string;
  contact: { name: string; email: string; notifyStatements: boolean; notifyRebates: boolean };
}) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(setContactPreferencesAction, initialState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label={`Email preferences of ${contact.email}`} className="flex flex-wrap items-center gap-4 py-2 text-sm">
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="email" value={contact.email} />
      <span className="min-w-48 font-medium">
        {contact.name} &lt;{contact.email}&gt;
      </span>
      <label htmlFor={`${id}-statements`} className="flex items-center gap-2">
        <input id={`${id}-statements`} type="checkbox" name="notifyStatements" defaultChecked={contact.notifyStatements} />
        Statement emails
      </label>
      <label htmlFor={`${id}-rebates`} className="flex items-center gap-2">
        <input id={`${id}-rebates`} type="checkbox" name="notifyRebates" defaultChecked={contact.notifyRebates} />
        Rebate advice
      </label>
      <button type="submit" disabled={pending} className={secondaryButton}>
        Save
      </button>
      <div className="w-full">
        <Feedback state={state} />
      </div>
    </form>
  );
}

/** The client's payout bank account for the NACHA file (underwriters and admins). */
export function PayoutAccountForm({ clientId, current }: { clientId: string; current: { holderName: string; routing: string; accountType: string } | null }) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(setPayoutAccountAction, initialState);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Payout bank account" className="grid gap-3 sm:grid-cols-4">
      <input type="hidden" name="clientId" value={clientId} />
      <Field id={`${id}-holder`} label="Account holder" error={err.holderName}>
        <input id={`${id}-holder`} name="holderName" required defaultValue={current?.holderName ?? ''} className={fieldClass} />
      </Field>
      <Field id={`${id}-routing`} label="Routing number (ABA)" error={err.routing}>
        <input id={`${id}-routing`} name="routing" required inputMode="numeric" defaultValue={current?.routing ?? ''} className={fieldClass} />
      </Field>
      <Field id={`${id}-account`} label="Account number" hint={current ? 'Enter it again to change the account' : undefined} error={err.account}>
        <input id={`${id}-account`} name="account" required autoComplete="off" className={fieldClass} />
      </Field>
      <Field id={`${id}-type`} label="Account type" error={err.accountType}>
        <select id={`${id}-type`} name="accountType" defaultValue={current?.accountType ?? 'checking'} className={fieldClass}>
          <option value="checking">checking</option>
          <option value="savings">savings</option>
        </select>
      </Field>
      <div className="sm:col-span-4">
        <button type="submit" disabled={pending} className={primaryButton}>
          Save payout account
        </button>
        <Feedback state={state} placed={new Set(['holderName', 'routing', 'account', 'accountType'])} />
      </div>
    </form>
  );
}

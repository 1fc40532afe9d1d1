'use client';

import { useActionState } from 'react';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { generateStatementAction, setContactPreferencesAction } from '../actions';
import { CheckboxInput, Feedback, TextInput, primaryButton, secondaryButton, submitWith } from '../form-kit';

const PERIOD_PLACED = new Set(['from', 'to']);

/** SPEC 7/8: issue (or fetch the stored) reserve statement of a period; it is listed with its download. */
export function GenerateStatementForm({ clientId, from, to }: { clientId: string; from: string; to: string }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(generateStatementAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Generate statement" className="grid gap-3 sm:grid-cols-3">
      <input type="hidden" name="clientId" value={clientId} />
      <TextInput state={state} name="from" label="Period from" type="date" required fallback={from} />
      <TextInput state={state} name="to" label="Period to" type="date" required fallback={to} hint="A period that has ended" />
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
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(setContactPreferencesAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label={`Email preferences of ${contact.email}`} className="flex flex-wrap items-center gap-4 py-2 text-sm">
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="email" value={contact.email} />
      <span className="min-w-48 font-medium">
        {contact.name} &lt;{contact.email}&gt;
      </span>
      <CheckboxInput state={state} name="notifyStatements" label="Statement emails" fallback={contact.notifyStatements} />
      <CheckboxInput state={state} name="notifyRebates" label="Rebate advice" fallback={contact.notifyRebates} />
      <button type="submit" disabled={pending} className={secondaryButton}>
        Save
      </button>
      <div className="w-full">
        <Feedback state={state} placed={new Set(['notifyStatements', 'notifyRebates'])} />
      </div>
    </form>
  );
}

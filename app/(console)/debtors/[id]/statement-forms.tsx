'use client';

import { useActionState } from 'react';
import { Cancelled, ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { Feedback, TextInput, primaryButton, secondaryButton, submitWith } from '../../clients/form-kit';
import { saveApContactAction, sendStatementAction } from './statement-actions';

const PLACED = new Set(['apEmail', 'apName']);
const initialConfirmable: ConfirmableState = { ok: false, message: '' };
type ConfirmableAct = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;

/** The debtor's AP contact: where statements and reminders are emailed. */
export function ApContactForm({ debtorId, apEmail, apName }: { debtorId: string; apEmail: string | null; apName: string | null }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveApContactAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="AP contact" className="grid gap-3 sm:grid-cols-3">
      <input type="hidden" name="debtorId" value={debtorId} />
      <TextInput
        state={state}
        name="apEmail"
        label="AP contact email"
        type="email"
        inputMode="email"
        autoComplete="off"
        fallback={apEmail ?? ''}
        hint="Where statements and reminders go; leave blank to send none."
      />
      <TextInput state={state} name="apName" label="AP contact name" fallback={apName ?? ''} hint="Optional, e.g. Accounts Payable or a person." />
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={secondaryButton}>
          Save AP contact
        </button>
      </div>
      <div className="sm:col-span-3">
        <Feedback state={state} placed={PLACED} />
      </div>
    </form>
  );
}

/** "Email statement": the question names the recipient, the invoices and what is open; Confirm sends it. */
export function SendStatementForm({ debtorId, debtorName }: { debtorId: string; debtorName: string }) {
  const { state, pending, onSubmit, asking, confirm, cancel, cancelled } = useConfirmableAction(sendStatementAction as ConfirmableAct, initialConfirmable);
  return (
    <form onSubmit={onSubmit} aria-label={`Email ${debtorName} its statement`}>
      <input type="hidden" name="debtorId" value={debtorId} />
      <button type="submit" disabled={pending} className={primaryButton}>
        Email statement
      </button>
      <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
      <Cancelled show={cancelled} what="no statement was sent." />
      {state.message && !state.confirm ? (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-2 text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

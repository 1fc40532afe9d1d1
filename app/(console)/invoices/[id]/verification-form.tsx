'use client';

import { useActionState } from 'react';
import { Feedback, SelectInput, TextInput, fieldError, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { METHOD_LABELS, OUTCOME_LABELS, VERIFICATION_FIELD_LABELS as L, VERIFICATION_METHODS, VERIFICATION_OUTCOMES } from '@/lib/verifications/labels';
import { recordVerificationAction } from '../actions';

const METHOD_OPTIONS = VERIFICATION_METHODS.map((m) => [m, METHOD_LABELS[m]] as const);
const OUTCOME_OPTIONS = VERIFICATION_OUTCOMES.map((o) => [o, OUTCOME_LABELS[o]] as const);
const PLACED = new Set(['method', 'contact', 'outcome', 'note']);

/**
 * The details of one verification record — method, contact, outcome, note — shared by the
 * invoice page and the Fundings screen's bulk verify (which adds the invoices' checkboxes).
 */
export function VerificationFields({ state, idPrefix }: { state: ActionState; idPrefix: string }) {
  const noteError = fieldError(state, 'note');
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <SelectInput state={state} name="method" label={L.method} options={METHOD_OPTIONS} fallback="call" required />
      <TextInput
        state={state}
        name="contact"
        label={L.contact}
        hint="Whom you spoke to or wrote to: name, role, phone or email"
        placeholder="Jane Roe, AP, +1 555 0100"
      />
      <SelectInput state={state} name="outcome" label={L.outcome} options={OUTCOME_OPTIONS} fallback="verified" required />
      <div>
        <label htmlFor={`${idPrefix}-note`} className="text-sm font-medium">
          {L.note}
        </label>
        <textarea
          id={`${idPrefix}-note`}
          name="note"
          rows={2}
          maxLength={2000}
          defaultValue={typedValue(state, 'note')}
          aria-invalid={noteError ? true : undefined}
          aria-describedby={noteError ? `${idPrefix}-note-error` : undefined}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {noteError ? (
          <p id={`${idPrefix}-note-error`} className="text-xs text-red-700">
            {noteError}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** The invoice page's "Record verification": one record for this invoice. */
export function VerificationForm({ invoiceId }: { invoiceId: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(recordVerificationAction, initialActionState);
  return (
    <form onSubmit={submitWith(action)} aria-label="Record verification" className="mt-3">
      <input type="hidden" name="invoiceIds" value={invoiceId} />
      <VerificationFields state={state} idPrefix="invoice-verification" />
      <button type="submit" disabled={pending} className={`mt-3 ${primaryButton}`}>
        {pending ? 'Recording…' : 'Record verification'}
      </button>
      <Feedback state={state} placed={PLACED} />
    </form>
  );
}

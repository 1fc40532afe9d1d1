'use client';

import { useActionState, useId } from 'react';
import { Feedback, Field, TextInput, describedBy, fieldClass, fieldError, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import type { RemittanceInstructions } from '@/lib/debtor-statements/model';
import { IBAN_HINT, ROUTING_HINT } from '@/lib/validation/bank';
import { saveReminderStepsAction, saveRemittanceAction } from './actions';

const STEPS_PLACED = new Set(['steps']);
const REMITTANCE_PLACED = new Set(['payee', 'bankName', 'routing', 'account', 'iban', 'bic', 'address', 'note']);

/** The reminder steps, one field: "-7, 0, 15, 30". */
export function ReminderStepsForm({ steps, canEdit }: { steps: string; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveReminderStepsAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Reminder steps" className="grid gap-3 sm:grid-cols-3">
      <div className="sm:col-span-2">
        <TextInput
          state={state}
          name="steps"
          label="Reminder steps"
          fallback={steps}
          disabled={!canEdit}
          hint="Days from each invoice's due date, separated by commas: -7 is a week before, 0 the due date, 30 a month after. Blank: no reminders."
        />
      </div>
      {canEdit ? (
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            Save reminder steps
          </button>
        </div>
      ) : null}
      <div className="sm:col-span-3">
        <Feedback state={state} placed={STEPS_PLACED} />
      </div>
    </form>
  );
}

/** Where debtors pay: the payee and at least one way to pay. */
export function RemittanceForm({ current, canEdit }: { current: RemittanceInstructions | null; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveRemittanceAction, initialActionState);
  const addressId = useId();
  const addressError = fieldError(state, 'address');
  const addressHint = 'A lockbox or office, one line each. Optional when an account is given.';
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Remittance instructions" className="grid gap-3 sm:grid-cols-2">
      <TextInput state={state} name="payee" label="Pay to" required fallback={current?.payee ?? ''} disabled={!canEdit} hint="The account holder's name." />
      <TextInput state={state} name="bankName" label="Bank name" fallback={current?.bankName ?? ''} disabled={!canEdit} />
      <TextInput
        state={state}
        name="routing"
        label="Routing number (ABA)"
        inputMode="numeric"
        fallback={current?.routing ?? ''}
        disabled={!canEdit}
        hint={ROUTING_HINT}
      />
      <TextInput state={state} name="account" label="Account number" autoComplete="off" fallback={current?.account ?? ''} disabled={!canEdit} />
      <TextInput state={state} name="iban" label="IBAN" autoComplete="off" fallback={current?.iban ?? ''} disabled={!canEdit} hint={IBAN_HINT} />
      <TextInput state={state} name="bic" label="BIC" fallback={current?.bic ?? ''} disabled={!canEdit} hint="8 or 11 letters and digits, e.g. DEUTDEFF" />
      <Field id={addressId} label="Cheques to (address)" hint={addressHint} error={addressError}>
        <textarea
          id={addressId}
          name="address"
          rows={3}
          defaultValue={typedValue(state, 'address', current?.address ?? '')}
          disabled={!canEdit}
          aria-invalid={addressError ? true : undefined}
          aria-describedby={describedBy(addressId, addressHint, addressError)}
          className={fieldClass}
        />
      </Field>
      <TextInput
        state={state}
        name="note"
        label="Reference to quote"
        fallback={current?.note ?? ''}
        disabled={!canEdit}
        hint="e.g. Quote the invoice numbers with your payment"
      />
      {canEdit ? (
        <div className="sm:col-span-2">
          <button type="submit" disabled={pending} className={primaryButton}>
            Save remittance instructions
          </button>
        </div>
      ) : null}
      <div className="sm:col-span-2">
        <Feedback state={state} placed={REMITTANCE_PLACED} />
      </div>
    </form>
  );
}

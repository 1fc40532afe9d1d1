'use client';

import { useActionState } from 'react';
import { DebtorPicker } from '@/app/_components/debtor-picker';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { grantPairOverrideAction, setPairLimitAction } from '@/app/(console)/intake/actions';
import { Feedback, TextInput, fieldError, primaryButton, submitWith } from '../form-kit';

const LIMIT_PLACED = new Set(['debtorId', 'currency', 'limit', 'reason']);
const OVERRIDE_PLACED = new Set(['debtorId', 'currency', 'limit', 'until', 'reason']);

/** Issue 16 item 4: an underwriter sets (or, with the limit left empty, removes) a pair's limit. */
export function PairLimitForm({ clientId, currency }: { clientId: string; currency: string }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(setPairLimitAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Set a client–debtor limit" className="mt-2 grid gap-3 sm:grid-cols-5">
      <input type="hidden" name="clientId" value={clientId} />
      <DebtorPicker initialId={typedValue(state, 'debtorId')} initialLabel={typedValue(state, 'debtorIdLabel')} error={fieldError(state, 'debtorId')} />
      <TextInput state={state} name="currency" label="Currency" fallback={currency} required />
      <TextInput state={state} name="limit" label="Limit" inputMode="decimal" hint="Leave empty to remove the limit" />
      <TextInput state={state} name="reason" label="Reason" />
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={primaryButton}>
          Set limit
        </button>
      </div>
      <div className="sm:col-span-5">
        <Feedback state={state} placed={LIMIT_PLACED} />
      </div>
    </form>
  );
}

/** Issue 16 item 4: an approver authorises a higher limit for a pair until a date (it then expires). */
export function PairOverrideForm({ clientId, currency }: { clientId: string; currency: string }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(grantPairOverrideAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Authorise a client–debtor limit override" className="mt-2 grid gap-3 sm:grid-cols-6">
      <input type="hidden" name="clientId" value={clientId} />
      <DebtorPicker initialId={typedValue(state, 'debtorId')} initialLabel={typedValue(state, 'debtorIdLabel')} error={fieldError(state, 'debtorId')} />
      <TextInput state={state} name="currency" label="Currency" fallback={currency} required />
      <TextInput state={state} name="limit" label="Override limit" inputMode="decimal" required />
      <TextInput state={state} name="until" label="Until" type="date" required />
      <TextInput state={state} name="reason" label="Why" required />
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={primaryButton}>
          Authorise override
        </button>
      </div>
      <div className="sm:col-span-6">
        <Feedback state={state} placed={OVERRIDE_PLACED} />
      </div>
    </form>
  );
}

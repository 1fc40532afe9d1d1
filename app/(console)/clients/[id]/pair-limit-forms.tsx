'use client';

import { useEffect, useActionState } from 'react';
import { useRouter } from 'next/navigation';
import { ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { DebtorPicker } from '@/app/_components/debtor-picker';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { grantPairOverrideAction, revokePairOverrideAction, setPairLimitAction } from '@/app/(console)/intake/actions';
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

type Act = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;

/** Issue 16 item 4: revoke an active override before its date — a reason, then Revoke, then confirm. */
export function RevokeOverrideForm({ clientId, overrideId, debtorName }: { clientId: string; overrideId: string; debtorName: string }) {
  const { state, pending, onSubmit, asking, confirm, cancel } = useConfirmableAction<ConfirmableState>(revokePairOverrideAction as Act, initialActionState);
  const router = useRouter();
  useEffect(() => {
    if (state.ok && !state.confirm && state.message) router.refresh();
  }, [state, router]);
  const reasonError = fieldError(state, 'reason');
  return (
    <div>
      <form onSubmit={onSubmit} aria-label={`Revoke override ${overrideId}`} className="flex flex-wrap items-start gap-2">
        <input type="hidden" name="clientId" value={clientId} />
        <input type="hidden" name="overrideId" value={overrideId} />
        <input type="hidden" name="debtorName" value={debtorName} />
        <span className="flex flex-col">
          <input
            name="reason"
            aria-label={`Reason to revoke the override for ${debtorName}`}
            placeholder="Reason"
            defaultValue={typedValue(state, 'reason')}
            aria-invalid={reasonError ? true : undefined}
            className="w-40 rounded border border-slate-300 px-2 py-1 text-xs"
          />
          {reasonError ? <span className="text-xs text-red-700">{reasonError}</span> : null}
        </span>
        <button type="submit" disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs">
          Revoke
        </button>
      </form>
      <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
      {state.message && !state.confirm && !(reasonError && state.message === reasonError) ? (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-1 text-xs ${state.ok ? 'text-emerald-800' : 'text-red-700'}`}>
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

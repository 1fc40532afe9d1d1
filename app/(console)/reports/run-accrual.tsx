'use client';

import { useActionState } from 'react';
import { TextInput, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { runAccrualAction } from './actions';

export function RunAccrualForm({ today }: { today: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(runAccrualAction, initialActionState);
  return (
    <form onSubmit={submitWith(action)} aria-label="Run the fee accrual" className="flex flex-wrap items-end gap-3">
      <div>
        <TextInput state={state} name="asOf" label="Accrue fees through" type="date" required fallback={today} />
      </div>
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? 'Accruing…' : 'Run accrual'}
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} className={`w-full text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

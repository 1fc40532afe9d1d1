'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/lib/http/action';
import { runAccrualAction } from './actions';

export function RunAccrualForm({ today }: { today: string }) {
  const [state, action, pending] = useActionState(runAccrualAction, { ok: false, message: '' } as ActionState);
  return (
    <form action={action} aria-label="Run the fee accrual" className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="accrual-as-of" className="text-sm font-medium">
          Accrue fees through
        </label>
        <input id="accrual-as-of" name="asOf" type="date" defaultValue={today} required className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm" />
      </div>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
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

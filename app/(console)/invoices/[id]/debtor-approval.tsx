'use client';

import { useActionState } from 'react';
import { submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { debtorApprovalAction } from '../actions';

/** Reverse factoring: the debtor approved this invoice for payment (needed before funding). */
export function DebtorApprovalForm({ invoiceId, today }: { invoiceId: string; today: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(debtorApprovalAction, initialActionState);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form
      onSubmit={submitWith(action)}
      aria-label="Debtor approval"
      className="mt-6 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <div>
        <label htmlFor="debtor-approval-date" className="text-sm font-medium">
          Debtor approved the invoice on
        </label>
        <input
          id="debtor-approval-date"
          name="date"
          type="date"
          defaultValue={typedValue(state, 'date', today)}
          required
          aria-invalid={err.date ? true : undefined}
          aria-describedby={err.date ? 'debtor-approval-date-error' : undefined}
          className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {err.date ? (
          <p id="debtor-approval-date-error" className="mt-1 text-xs text-red-700">
            {err.date}
          </p>
        ) : null}
      </div>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        Record debtor approval
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} className={`w-full text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

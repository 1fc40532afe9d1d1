'use client';

import { useActionState } from 'react';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { verifyInvoiceAction } from '../actions';

/** Verifies a submitted invoice (the funding role), so it can go into a funding batch. */
export function VerifyInvoiceButton({ invoiceId }: { invoiceId: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(verifyInvoiceAction, initialActionState);
  return (
    <form action={action} className="flex flex-col items-end">
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Verifying…' : 'Verify'}
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-2 max-w-sm text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

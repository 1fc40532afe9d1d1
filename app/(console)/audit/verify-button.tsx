'use client';

import { useActionState } from 'react';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { verifyAction } from './actions';

export function VerifyButton() {
  const [state, action, pending] = useActionState<ActionState, FormData>(verifyAction, initialActionState);
  return (
    <form action={action} aria-label="Verify the audit chain">
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Verifying…' : 'Verify the chain and the ledger'}
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-2 max-w-xl break-words text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

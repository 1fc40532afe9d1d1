'use client';

import { useActionState, useId } from 'react';
import type { ActionState } from '@/lib/http/action';
import { decideAction } from './actions';

const initial: ActionState = { ok: false, message: '' };

export function DecisionForm({ kind, targetId, label }: { kind: string; targetId: string; label: string }) {
  const [state, action, pending] = useActionState(decideAction, initial);
  const reasonId = useId();
  if (state.ok) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        {state.message}
      </p>
    );
  }
  return (
    <form action={action} aria-label={`Decide ${label}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="targetId" value={targetId} />
      <button type="submit" name="decision" value="approve" disabled={pending} className="rounded-md bg-brand-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-60">
        Approve
      </button>
      <div>
        <label htmlFor={reasonId} className="sr-only">
          Reason for rejecting {label}
        </label>
        <input id={reasonId} name="reason" placeholder="Reason (to reject)" className="rounded-md border border-slate-300 px-2 py-1 text-sm" />
      </div>
      <button type="submit" name="decision" value="reject" disabled={pending} className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-800">
        Reject
      </button>
      {state.message ? (
        <p role="alert" className="w-full text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

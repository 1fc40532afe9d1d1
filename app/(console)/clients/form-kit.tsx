'use client';

import { startTransition, type FormEvent, type ReactNode } from 'react';
import type { ActionState } from '@/lib/http/action';

export const initialState: ActionState = { ok: false, message: '' };

export const fieldClass = 'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm';
export const primaryButton = 'rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60';
export const secondaryButton = 'rounded-md border border-slate-300 px-3 py-2 text-sm disabled:opacity-60';

/** A visible label, a control, an optional hint and the field's error. */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The outcome of an action: a status when it worked, an alert when it did not, listing the
 * field errors that no field of the form shows (`placed` names the ones that are shown).
 */
export function Feedback({ state, placed }: { state: ActionState; placed?: ReadonlySet<string> }) {
  if (!state.message) return null;
  const others = placed ? Object.entries(state.errors ?? {}).filter(([k]) => !placed.has(k)) : [];
  return (
    <div role={state.ok ? 'status' : 'alert'} className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}>
      <p>{state.message}</p>
      {others.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 text-xs">
          {others.map(([field, message]) => (
            <li key={field}>
              {field}: {message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * Submits a form to an action without React's automatic form reset, which would also reset
 * controlled selects (react#30580) and lose what a person typed when the action refuses it.
 */
export function submitWith(dispatch: (form: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => dispatch(data));
  };
}

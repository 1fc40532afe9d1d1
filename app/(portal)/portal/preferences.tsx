'use client';

import { useActionState } from 'react';
import { CheckboxInput, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { portalPreferencesAction } from './actions';

export function PortalPreferences({ contact }: { contact: { name: string; email: string; notifyStatements: boolean; notifyRebates: boolean } }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(portalPreferencesAction, initialActionState);
  return (
    <form onSubmit={submitWith(action)} aria-label={`Email notices for ${contact.email}`} className="flex flex-wrap items-center gap-4 py-2 text-sm">
      <input type="hidden" name="email" value={contact.email} />
      <span className="min-w-48 font-medium">
        {contact.name} &lt;{contact.email}&gt;
      </span>
      <CheckboxInput state={state} name="notifyStatements" label="Statement ready" fallback={contact.notifyStatements} />
      <CheckboxInput state={state} name="notifyRebates" label="Rebate released" fallback={contact.notifyRebates} />
      <button type="submit" disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs">
        Save
      </button>
      {state.message ? (
        <span role={state.ok ? 'status' : 'alert'} className={state.ok ? 'text-emerald-800' : 'text-red-800'}>
          {state.message}
        </span>
      ) : null}
    </form>
  );
}

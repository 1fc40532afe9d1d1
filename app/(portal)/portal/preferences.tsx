'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/lib/http/action';
import { portalPreferencesAction } from './actions';

const initial: ActionState = { ok: false, message: '' };

export function PortalPreferences({ contact }: { contact: { name: string; email: string; notifyStatements: boolean; notifyRebates: boolean } }) {
  const [state, action, pending] = useActionState(portalPreferencesAction, initial);
  return (
    <form action={action} aria-label={`Email notices for ${contact.email}`} className="flex flex-wrap items-center gap-4 py-2 text-sm">
      <input type="hidden" name="email" value={contact.email} />
      <span className="min-w-48 font-medium">
        {contact.name} &lt;{contact.email}&gt;
      </span>
      <label className="flex items-center gap-1">
        <input type="checkbox" name="notifyStatements" defaultChecked={contact.notifyStatements} /> Statement ready
      </label>
      <label className="flex items-center gap-1">
        <input type="checkbox" name="notifyRebates" defaultChecked={contact.notifyRebates} /> Rebate paid
      </label>
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

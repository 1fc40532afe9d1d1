'use client';

import { useActionState } from 'react';
import { portalStatementAction, type PortalStatementState } from './actions';

const initial: PortalStatementState = { ok: false, message: '' };

/** "A statement for any period": issued by a POST (server action), then downloaded by its link. */
export function PortalStatementForm({ from, to }: { from: string; to: string }) {
  const [state, action, pending] = useActionState(portalStatementAction, initial);
  return (
    <form action={action} aria-label="Statement for a period" className="mt-2 flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="statement-from" className="text-sm font-medium">
          From
        </label>
        <input id="statement-from" name="from" type="date" required defaultValue={from} className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm" />
      </div>
      <div>
        <label htmlFor="statement-to" className="text-sm font-medium">
          To
        </label>
        <input id="statement-to" name="to" type="date" required defaultValue={to} className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm" />
      </div>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Issuing…' : 'Issue statement'}
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} className={`w-full text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}{' '}
          {state.ok && state.downloadUrl ? (
            <a className="text-brand-700 underline" href={state.downloadUrl} download>
              {`Download statement ${state.periodLabel} (PDF)`}
            </a>
          ) : null}
        </p>
      ) : null}
    </form>
  );
}

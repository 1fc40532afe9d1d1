'use client';

import { useActionState } from 'react';
import { TextInput, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { portalStatementAction } from './actions';
import { DownloadLink } from './download-link';

/** "A statement for any period": issued by a POST (server action), then downloaded by its link. */
export function PortalStatementForm({ from, to }: { from: string; to: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(portalStatementAction, initialActionState);
  const placed = new Set(['from', 'to']);
  const others = Object.entries(state.errors ?? {}).filter(([k, m]) => !placed.has(k) && m !== state.message);
  return (
    <form onSubmit={submitWith(action)} aria-label="Statement for a period" className="mt-2 flex flex-wrap items-end gap-3">
      <div>
        <TextInput state={state} name="from" label="From" type="date" required fallback={from} />
      </div>
      <div>
        <TextInput state={state} name="to" label="To" type="date" required fallback={to} />
      </div>
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? 'Issuing…' : 'Issue statement'}
      </button>
      {state.message ? (
        <div role={state.ok ? 'status' : 'alert'} className={`w-full text-sm ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message} {state.ok && state.link ? <DownloadLink href={state.link.href}>{state.link.label}</DownloadLink> : null}
          {others.map(([k, m]) => (
            <p key={k}>{m}</p>
          ))}
        </div>
      ) : null}
    </form>
  );
}

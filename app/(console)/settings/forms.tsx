'use client';

import { useActionState, useId } from 'react';
import { ROLES, ROLE_LABELS } from '@/lib/auth/roles';
import type { ActionState } from '@/lib/http/action';
import { createApiKeyAction, createUserAction, inviteClientUserAction, retryEmailAction, saveReleasePolicyAction, sendTestEmailAction, setDisabledAction } from './actions';

const initial: ActionState = { ok: false, message: '' };

function Feedback({ state }: { state: ActionState }) {
  const keyId = useId();
  if (!state.message) return null;
  return (
    <div role={state.ok ? 'status' : 'alert'} className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}>
      <p>{state.message}</p>
      {state.secret ? (
        <p className="mt-2">
          <label className="block text-xs font-medium" htmlFor={keyId}>
            API key
          </label>
          <input id={keyId} readOnly value={state.secret} className="mt-1 w-full rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs" />
        </p>
      ) : null}
    </div>
  );
}

const input = 'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm';

export function CreateUserForm({ clients }: { clients: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState(createUserAction, initial);
  const err = state.errors ?? {};
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2" aria-label="Create a user">
      <div>
        <label htmlFor="new-email" className="text-sm font-medium">
          Email
        </label>
        <input id="new-email" name="email" type="email" required className={input} aria-invalid={Boolean(err.email)} />
        {err.email ? <p className="text-xs text-red-700">{err.email}</p> : null}
      </div>
      <div>
        <label htmlFor="new-name" className="text-sm font-medium">
          Name
        </label>
        <input id="new-name" name="name" className={input} />
      </div>
      <div>
        <label htmlFor="new-role" className="text-sm font-medium">
          Role
        </label>
        <select id="new-role" name="role" className={input} defaultValue="funding">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="new-client" className="text-sm font-medium">
          Client (client users only)
        </label>
        <select id="new-client" name="clientId" className={input} defaultValue="">
          <option value="">—</option>
          {clients.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {err.clientId ? <p className="text-xs text-red-700">{err.clientId}</p> : null}
      </div>
      <div>
        <label htmlFor="new-password" className="text-sm font-medium">
          Password
        </label>
        <input id="new-password" name="password" type="password" autoComplete="new-password" className={input} />
        {err.password ? <p className="text-xs text-red-700">{err.password}</p> : null}
      </div>
      <div className="flex items-end">
        <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
          Create user
        </button>
      </div>
      <div className="sm:col-span-2">
        <Feedback state={state} />
      </div>
    </form>
  );
}

export function UserActions({ userId, email, disabled }: { userId: string; email: string; disabled: boolean }) {
  const [toggleState, toggle, togglePending] = useActionState(setDisabledAction, initial);
  const [keyState, issue, keyPending] = useActionState(createApiKeyAction, initial);
  return (
    <div>
      <div className="flex gap-2">
        <form action={toggle}>
          <input type="hidden" name="userId" value={userId} />
          <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
          <button type="submit" disabled={togglePending} aria-label={`${disabled ? 'Enable' : 'Disable'} ${email}`} className="rounded border border-slate-300 px-2 py-1 text-xs">
            {disabled ? 'Enable' : 'Disable'}
          </button>
        </form>
        {!disabled ? (
          <form action={issue}>
            <input type="hidden" name="userId" value={userId} />
            <button type="submit" disabled={keyPending} aria-label={`New API key for ${email}`} className="rounded border border-slate-300 px-2 py-1 text-xs">
              New API key
            </button>
          </form>
        ) : null}
      </div>
      <Feedback state={toggleState.message ? toggleState : keyState} />
    </div>
  );
}

export function TestEmailForm() {
  const [state, action, pending] = useActionState(sendTestEmailAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" aria-label="Send a test email">
      <div className="min-w-64 flex-1">
        <label htmlFor="test-to" className="text-sm font-medium">
          Send a test email to
        </label>
        <input id="test-to" name="to" type="email" required className={input} />
      </div>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        Send test email
      </button>
      <div className="w-full">
        <Feedback state={state} />
      </div>
    </form>
  );
}

export function RetryEmailButton({ emailId }: { emailId: string }) {
  const [state, action, pending] = useActionState(retryEmailAction, initial);
  return (
    <form action={action}>
      <input type="hidden" name="emailId" value={emailId} />
      <button type="submit" disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs">
        Retry
      </button>
      {state.message && !state.ok ? <span className="ml-2 text-xs text-red-700">{state.message}</span> : null}
    </form>
  );
}

export interface PolicyTier {
  minScore: number;
  maxScore: number;
  rate: string;
  holdDays: number;
  release: string;
}

/** The release policy: controller threshold and the reserve schedule by risk score (seeds 004). */
export function ReleasePolicyForm({ threshold, tiers, canEdit }: { threshold: string; tiers: PolicyTier[]; canEdit: boolean }) {
  const [state, action, pending] = useActionState(saveReleasePolicyAction, initial);
  const err = state.errors ?? {};
  // One spare row for a new tier; rows left blank are ignored.
  const rows = [...tiers, { minScore: '', maxScore: '', rate: '', holdDays: '', release: 'review' }];
  const cell = 'w-full rounded border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50';
  return (
    <form action={action} aria-label="Release policy">
      <div className="max-w-xs">
        <label htmlFor="controller-threshold" className="text-sm font-medium">
          Controller approval above (amount per release)
        </label>
        <input id="controller-threshold" name="controllerThreshold" defaultValue={threshold} inputMode="decimal" disabled={!canEdit} className={input} aria-invalid={Boolean(err.controllerThreshold)} />
        {err.controllerThreshold ? <p className="text-xs text-red-700">{err.controllerThreshold}</p> : null}
      </div>
      <table className="mt-4 w-full text-sm">
        <caption className="mb-2 text-left font-medium">Reserve schedule by risk score</caption>
        <thead>
          <tr className="text-left text-slate-600">
            <th className="pr-2 font-medium">Lowest score</th>
            <th className="pr-2 font-medium">Highest score</th>
            <th className="pr-2 font-medium">Reserve rate (0.10 = 10%)</th>
            <th className="pr-2 font-medium">Holding period (days)</th>
            <th className="font-medium">Release</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t, i) => (
            <tr key={i}>
              {(['minScore', 'maxScore', 'rate', 'holdDays'] as const).map((field) => (
                <td key={field} className="py-1 pr-2">
                  <input
                    name={`tier.${i}.${field}`}
                    aria-label={`Tier ${i + 1} ${field === 'minScore' ? 'lowest score' : field === 'maxScore' ? 'highest score' : field === 'rate' ? 'reserve rate' : 'holding period'}`}
                    defaultValue={String(t[field])}
                    disabled={!canEdit}
                    inputMode="decimal"
                    className={cell}
                    aria-invalid={Boolean(err[`${i}.${field}`])}
                  />
                  {err[`${i}.${field}`] ? <p className="text-xs text-red-700">{err[`${i}.${field}`]}</p> : null}
                </td>
              ))}
              <td className="py-1">
                <select name={`tier.${i}.release`} aria-label={`Tier ${i + 1} release`} defaultValue={t.release} disabled={!canEdit} className={cell}>
                  <option value="automatic">automatic</option>
                  <option value="review">review</option>
                  <option value="manual">manual only</option>
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit ? (
        <button type="submit" disabled={pending} className="mt-3 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
          Save release policy
        </button>
      ) : null}
      <Feedback state={state} />
    </form>
  );
}

/** Invite a client's person to the portal: they choose their own password from the emailed link. */
export function InviteClientUserForm({ clients }: { clients: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState(inviteClientUserAction, initial);
  const err = state.errors ?? {};
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-3" aria-label="Invite a client user">
      <div>
        <label htmlFor="invite-email" className="text-sm font-medium">
          Email
        </label>
        <input id="invite-email" name="email" type="email" required className={input} aria-invalid={Boolean(err.email)} />
        {err.email ? <p className="text-xs text-red-700">{err.email}</p> : null}
      </div>
      <div>
        <label htmlFor="invite-name" className="text-sm font-medium">
          Name
        </label>
        <input id="invite-name" name="name" className={input} />
      </div>
      <div>
        <label htmlFor="invite-client" className="text-sm font-medium">
          Client
        </label>
        <select id="invite-client" name="clientId" required className={input} defaultValue="" aria-invalid={Boolean(err.clientId)}>
          <option value="" disabled>
            Choose the client
          </option>
          {clients.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {err.clientId ? <p className="text-xs text-red-700">{err.clientId}</p> : null}
      </div>
      <div>
        <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
          Send invitation
        </button>
      </div>
      <div className="sm:col-span-3">
        <Feedback state={state} />
      </div>
    </form>
  );
}

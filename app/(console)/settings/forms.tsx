'use client';

import { useActionState, useId, useState } from 'react';
import { Feedback as FormFeedback, SelectInput, TextInput, describedBy, fieldError, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { ClientPicker } from '@/app/_components/client-picker';
import { ROLES, ROLE_LABELS } from '@/lib/auth/roles';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { Big } from '@/lib/money';
import { RiskSchedulePreview } from './what-if-preview';
import { MONEY_HINT, RATE_HINT } from '@/lib/validation/fields';
import {
  createApiKeyAction,
  createUserAction,
  inviteClientUserAction,
  retryEmailAction,
  saveReleasePolicyAction,
  sendTestEmailAction,
  setDisabledAction,
} from './actions';

const initial: ActionState = initialActionState;

/** The outcome, and a new API key shown once. */
function Feedback({ state, placed }: { state: ActionState; placed?: ReadonlySet<string> }) {
  const keyId = useId();
  if (!state.message) return null;
  return (
    <div>
      <FormFeedback state={state} placed={placed} />
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

type Counted = ActionState & { done: number };

/** A form that starts blank again after each success and keeps what was typed after a refusal. */
function useCountedAction(action: (prev: ActionState, form: FormData) => Promise<ActionState>) {
  return useActionState(
    async (prev: Counted, form: FormData): Promise<Counted> => {
      const next = await action(prev, form);
      return { ...next, done: prev.done + (next.ok ? 1 : 0) };
    },
    { ...initial, done: 0 },
  );
}

const USER_PLACED = new Set(['email', 'name', 'role', 'clientId', 'password']);

export function CreateUserForm() {
  const [state, action, pending] = useCountedAction(createUserAction);
  return (
    <form key={state.done} onSubmit={submitWith(action)} className="grid gap-3 sm:grid-cols-2" aria-label="Create a user">
      <TextInput state={state} name="email" label="Email" type="email" inputMode="email" required />
      <TextInput state={state} name="name" label="Name" />
      <SelectInput state={state} name="role" label="Role" fallback="funding" options={ROLES.map((r) => [r, ROLE_LABELS[r]] as const)} />
      <ClientPicker
        name="clientId"
        label="Client (client users only)"
        required={false}
        initialId={typedValue(state, 'clientId')}
        initialLabel={typedValue(state, 'clientIdLabel')}
        error={fieldError(state, 'clientId')}
      />
      <TextInput state={state} name="password" label="Password" type="password" autoComplete="new-password" hint="At least 8 characters" />
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={primaryButton}>
          Create user
        </button>
      </div>
      <div className="sm:col-span-2">
        <Feedback state={state} placed={USER_PLACED} />
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
          <button
            type="submit"
            disabled={togglePending}
            aria-label={`${disabled ? 'Enable' : 'Disable'} ${email}`}
            className="rounded border border-slate-300 px-2 py-1 text-xs"
          >
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
    <form onSubmit={submitWith(action)} className="flex flex-wrap items-end gap-3" aria-label="Send a test email">
      <div className="min-w-64 flex-1">
        <TextInput state={state} name="to" id="test-to" label="Send a test email to" type="email" inputMode="email" required />
      </div>
      <button type="submit" disabled={pending} className={primaryButton}>
        Send test email
      </button>
      <div className="w-full">
        <Feedback state={state} placed={new Set(['to'])} />
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
      {state.message && !state.ok ? (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {state.message}
        </span>
      ) : null}
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

const TIER_LABELS = { minScore: 'lowest score', maxScore: 'highest score', rate: 'reserve rate', holdDays: 'holding period' } as const;

/** A stored rate (a fraction) as the form shows it: "10%" (a bare "1" would read as 1%). */
const percent = (fraction: string) => (/^\d+(\.\d+)?$/.test(fraction) ? `${new Big(fraction).times(100).toFixed()}%` : fraction);

/** The release policy: controller threshold and the reserve schedule by risk score (seeds 004). */
export function ReleasePolicyForm({ threshold, tiers, canEdit }: { threshold: string; tiers: PolicyTier[]; canEdit: boolean }) {
  const [state, action, pending] = useActionState(saveReleasePolicyAction, initial);
  const rateHintId = useId();
  // issue 16 item 2: Save needs a preview of exactly the values in the form (its digest); any change drops it
  const [digest, setDigest] = useState<string | null>(null);
  const saveHintId = useId();
  // One spare row for a new tier; rows left blank are ignored.
  const rows = [...tiers.map((t) => ({ ...t, rate: percent(t.rate) })), { minScore: '', maxScore: '', rate: '', holdDays: '', release: 'review' }];
  const cell = 'w-full rounded border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-50';
  const placed = new Set(['controllerThreshold', ...rows.flatMap((_, i) => [...Object.keys(TIER_LABELS), 'release'].map((f) => `tier.${i}.${f}`))]);
  return (
    <form onSubmit={submitWith(action)} onChange={() => setDigest(null)} aria-label="Release policy">
      {digest ? <input type="hidden" name="whatIfDigest" value={digest} /> : null}
      <div className="max-w-xs">
        <TextInput
          state={state}
          name="controllerThreshold"
          label="Controller approval above (amount per release)"
          fallback={threshold}
          inputMode="decimal"
          disabled={!canEdit}
          hint={`In the release's currency. ${MONEY_HINT}`}
        />
      </div>
      <div className="mt-4 overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="mb-2 text-left font-medium">Reserve schedule by risk score</caption>
          <thead>
            <tr className="text-left text-slate-600">
              <th className="pr-2 font-medium">Lowest score</th>
              <th className="pr-2 font-medium">Highest score</th>
              <th className="pr-2 font-medium">Reserve rate</th>
              <th className="pr-2 font-medium">Holding period (days)</th>
              <th className="font-medium">Release</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t, i) => (
              <tr key={i}>
                {(['minScore', 'maxScore', 'rate', 'holdDays'] as const).map((field) => {
                  const name = `tier.${i}.${field}`;
                  const error = fieldError(state, name);
                  const id = `${rateHintId}-${i}-${field}`;
                  return (
                    <td key={field} className="py-1 pr-2 align-top">
                      <input
                        id={id}
                        name={name}
                        aria-label={`Tier ${i + 1} ${TIER_LABELS[field]}`}
                        defaultValue={typedValue(state, name, String(t[field]))}
                        disabled={!canEdit}
                        inputMode="decimal"
                        className={cell}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={[field === 'rate' ? rateHintId : '', describedBy(id, undefined, error) ?? ''].filter(Boolean).join(' ') || undefined}
                      />
                      {error ? (
                        <p id={`${id}-error`} className="text-xs text-red-700">
                          {error}
                        </p>
                      ) : null}
                    </td>
                  );
                })}
                <td className="py-1 align-top">
                  <select
                    name={`tier.${i}.release`}
                    aria-label={`Tier ${i + 1} release`}
                    defaultValue={typedValue(state, `tier.${i}.release`, t.release)}
                    disabled={!canEdit}
                    className={cell}
                  >
                    <option value="automatic">automatic</option>
                    <option value="review">review</option>
                    <option value="manual">manual only</option>
                  </select>
                  {fieldError(state, `tier.${i}.release`) ? <p className="text-xs text-red-700">{fieldError(state, `tier.${i}.release`)}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p id={rateHintId} className="mt-1 text-xs text-slate-500">
        Reserve rate: {RATE_HINT}
      </p>
      {canEdit ? <RiskSchedulePreview onPreviewed={setDigest} current={digest !== null} /> : null}
      {canEdit ? (
        <div className="mt-3">
          <button type="submit" disabled={pending || digest === null} aria-describedby={saveHintId} className={primaryButton}>
            Save release policy
          </button>
          <p id={saveHintId} className="mt-1 text-xs text-slate-500">
            {digest === null ? 'Preview the changes first: saving is possible once the preview of these values is shown.' : 'Saves the values previewed above.'}
          </p>
        </div>
      ) : null}
      <Feedback state={state} placed={placed} />
    </form>
  );
}

const INVITE_PLACED = new Set(['email', 'name', 'clientId']);

/** Invite a client's person to the portal: they choose their own password from the emailed link. */
export function InviteClientUserForm() {
  const [state, action, pending] = useCountedAction(inviteClientUserAction);
  return (
    <form key={state.done} onSubmit={submitWith(action)} className="grid gap-3 sm:grid-cols-3" aria-label="Invite a client user">
      <TextInput state={state} name="email" label="Email" type="email" inputMode="email" required />
      <TextInput state={state} name="name" label="Name" />
      <ClientPicker
        name="clientId"
        label="Client"
        initialId={typedValue(state, 'clientId')}
        initialLabel={typedValue(state, 'clientIdLabel')}
        error={fieldError(state, 'clientId')}
      />
      <div>
        <button type="submit" disabled={pending} className={primaryButton}>
          Send invitation
        </button>
      </div>
      <div className="sm:col-span-3">
        <Feedback state={state} placed={INVITE_PLACED} />
      </div>
    </form>
  );
}

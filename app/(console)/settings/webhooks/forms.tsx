'use client';

import { useEffect, useId } from 'react';
import { useRouter } from 'next/navigation';
import { ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { Feedback, TextInput, fieldError, primaryButton } from '@/app/(console)/clients/form-kit';
import { initialActionState, typedChecked } from '@/lib/http/action-state';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS } from '@/lib/webhooks/events';
import { createWebhookAction, disableWebhookAction, redeliverWebhookAction } from './actions';

const initial: ConfirmableState = initialActionState;
type Act = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;

/** Issue 16 item 8: a webhook's URL and events; the signing secret is shown once, after it is added. */
export function CreateWebhookForm() {
  const form = useConfirmableAction<ConfirmableState>(createWebhookAction as Act, initial);
  const { state, pending, onSubmit } = form;
  const secretId = useId();
  const eventsError = fieldError(state, 'events');
  return (
    <form onSubmit={onSubmit} aria-label="Add a webhook" className="grid gap-3">
      <TextInput
        state={state}
        name="url"
        label="URL"
        hint="Where Holdback posts the events: a public https://… address (addresses inside your network are refused)"
        required
      />
      <fieldset aria-describedby={eventsError ? 'events-error' : undefined}>
        <legend className="text-sm font-medium">Events</legend>
        <div className="mt-1 grid gap-1 sm:grid-cols-2">
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="events" value={e} defaultChecked={typedChecked(state, 'events', e)} className="mt-1" />
              <span>
                <span className="font-mono text-xs">{e}</span> — {WEBHOOK_EVENT_LABELS[e]}
              </span>
            </label>
          ))}
        </div>
        {eventsError ? (
          <p id="events-error" className="mt-1 text-sm text-red-700">
            {eventsError}
          </p>
        ) : null}
      </fieldset>
      <div>
        <button type="submit" disabled={pending} className={primaryButton}>
          Add webhook
        </button>
      </div>
      <Feedback state={state} placed={new Set(['url', 'events'])} />
      {state.ok && state.secret ? (
        <p>
          <label className="block text-xs font-medium" htmlFor={secretId}>
            Signing secret
          </label>
          <input id={secretId} readOnly value={state.secret} className="mt-1 w-full rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs" />
        </p>
      ) : null}
    </form>
  );
}

function useRefreshOnDone(state: ConfirmableState) {
  const router = useRouter();
  useEffect(() => {
    if (state.ok && !state.confirm && state.message) router.refresh();
  }, [state, router]);
}

/** A button that asks before it acts (Disable, Redeliver). */
function ConfirmedButton({ action, fields, label, name }: { action: Act; fields: Record<string, string>; label: string; name: string }) {
  const form = useConfirmableAction<ConfirmableState>(action, initial);
  const { state, pending, onSubmit, asking, confirm, cancel } = form;
  useRefreshOnDone(state);
  return (
    <div>
      <form onSubmit={onSubmit} aria-label={name}>
        {Object.entries(fields).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <button type="submit" disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs">
          {label}
        </button>
      </form>
      <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
      {state.message && !state.confirm ? (
        <p role={state.ok ? 'status' : 'alert'} className={`mt-1 text-xs ${state.ok ? 'text-emerald-800' : 'text-red-700'}`}>
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

export function DisableWebhookButton({ webhookId, url }: { webhookId: string; url: string }) {
  return <ConfirmedButton action={disableWebhookAction as Act} fields={{ webhookId, url }} label="Disable" name={`Disable webhook ${webhookId}`} />;
}

export function RedeliverButton({ deliveryId, event }: { deliveryId: string; event: string }) {
  return <ConfirmedButton action={redeliverWebhookAction as Act} fields={{ deliveryId, event }} label="Redeliver" name={`Redeliver delivery ${deliveryId}`} />;
}

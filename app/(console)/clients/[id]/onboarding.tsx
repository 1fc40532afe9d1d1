'use client';

import { startTransition, useActionState, useId, useState } from 'react';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { reviewClientAction, setClientStatusAction, setKybAction, submitForReviewAction } from '../actions';
import { Feedback, TextInput, initialState, primaryButton, secondaryButton } from '../form-kit';

export interface KybRow {
  key: string;
  label: string;
  done: boolean;
  by: string | null;
  at: string | null;
}

/** SPEC 2: the KYB checklist; each box saves as it is ticked (underwriters, while a prospect). */
export function KybChecklist({ clientId, items, editable }: { clientId: string; items: KybRow[]; editable: boolean }) {
  return (
    <fieldset className="mt-4">
      <legend className="text-sm font-semibold text-slate-700">KYB checklist</legend>
      <ul className="mt-2 space-y-2">
        {items.map((item) => (
          <KybItem key={item.key} clientId={clientId} item={item} editable={editable} />
        ))}
      </ul>
    </fieldset>
  );
}

function KybItem({ clientId, item, editable }: { clientId: string; item: KybRow; editable: boolean }) {
  const id = useId();
  const [checked, setChecked] = useState(item.done);
  const [state, dispatch, pending] = useActionState(async (prev: ActionState, form: FormData): Promise<ActionState> => {
    const next = await setKybAction(prev, form);
    if (!next.ok) setChecked(form.get('done') !== 'true'); // refused: show what is saved
    return next;
  }, initialState);
  const save = (done: boolean) => {
    setChecked(done);
    const form = new FormData();
    form.set('clientId', clientId);
    form.set('item', item.key);
    form.set('done', String(done));
    startTransition(() => dispatch(form));
  };
  return (
    <li className="text-sm">
      <div className="flex items-center gap-2">
        <input id={id} type="checkbox" checked={checked} disabled={!editable || pending} onChange={(e) => save(e.target.checked)} className="h-4 w-4" />
        <label htmlFor={id}>{item.label}</label>
        {item.done && item.by ? (
          <span className="text-xs text-slate-500">
            done by {item.by}
            {item.at ? ` on ${item.at.slice(0, 10)}` : ''}
          </span>
        ) : null}
      </div>
      {state.message && !state.ok ? (
        <p role="alert" className="ml-6 text-xs text-red-800">
          {state.message}
        </p>
      ) : null}
    </li>
  );
}

type Intent = 'submit' | 'activate' | 'return' | 'suspend' | 'reactivate' | 'close';

/**
 * The lifecycle buttons of SPEC 2 for the client's current status, with one outcome line that
 * stays visible when the status (and so the buttons) change.
 */
export function LifecycleActions({
  clientId,
  status,
  reviewBlocked,
  closeNote,
}: {
  clientId: string;
  status: string;
  /** issue 16 item 3: what closing does to the escrow ("the escrow of 600.00 USD will be requested…") */
  closeNote?: string | null;
  /** why this person may not review it (they entered or submitted it): said instead of Activate / Return */ reviewBlocked?: string | null;
}) {
  const [state, dispatch, pending] = useActionState(
    async (prev: ActionState & { form?: string }, form: FormData): Promise<ActionState & { form?: string }> => {
      const intent = form.get('intent') as Intent;
      if (intent === 'submit') return { ...(await submitForReviewAction(prev, form)), form: 'submit' };
      if (intent === 'activate' || intent === 'return') {
        form.set('decision', intent);
        return { ...(await reviewClientAction(prev, form)), form: 'review' };
      }
      form.set('status', intent === 'reactivate' ? 'active' : intent === 'close' ? 'closed' : 'suspended');
      return { ...(await setClientStatusAction(prev, form)), form: 'status' };
    },
    initialState as ActionState & { form?: string },
  );
  // each reason field shows what was typed and its error only for the form that was sent
  const stateOf = (form: string): ActionState => (state.form === form ? state : initialActionState);

  return (
    <div className="mt-4 space-y-4">
      {status === 'prospect' ? (
        <form action={dispatch} aria-label="Submit for review">
          <input type="hidden" name="clientId" value={clientId} />
          <button type="submit" name="intent" value="submit" disabled={pending} className={primaryButton}>
            Submit for review
          </button>
          <p className="mt-1 text-xs text-slate-500">Another underwriter then activates the client or returns it with a reason.</p>
        </form>
      ) : null}
      {status === 'pending_review' && reviewBlocked ? <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">{reviewBlocked}</p> : null}
      {status === 'pending_review' && !reviewBlocked ? (
        // Separate forms, so Enter in the reason field returns the client and never activates it.
        <div className="flex flex-wrap items-end gap-3">
          <form action={dispatch} aria-label="Activate">
            <input type="hidden" name="clientId" value={clientId} />
            <button type="submit" name="intent" value="activate" disabled={pending} className={primaryButton}>
              Activate
            </button>
          </form>
          <form action={dispatch} aria-label="Return to prospect" className="flex flex-1 flex-wrap items-end gap-3">
            <input type="hidden" name="clientId" value={clientId} />
            <div className="min-w-64 flex-1">
              <TextInput state={stateOf('review')} name="reason" label="Reason for returning" />
            </div>
            <button type="submit" name="intent" value="return" disabled={pending} className={secondaryButton}>
              Return to prospect
            </button>
          </form>
        </div>
      ) : null}
      {status === 'suspended' ? (
        <form action={dispatch} aria-label="Reactivate">
          <input type="hidden" name="clientId" value={clientId} />
          <button type="submit" name="intent" value="reactivate" disabled={pending} className={secondaryButton}>
            Reactivate
          </button>
        </form>
      ) : null}
      {status !== 'closed' ? (
        <form action={dispatch} aria-label="Suspend or close" className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="clientId" value={clientId} />
          <div className="min-w-64 flex-1">
            <TextInput state={stateOf('status')} name="reason" label={status === 'active' ? 'Reason for suspending or closing' : 'Reason for closing'} />
          </div>
          {status === 'active' ? (
            <button type="submit" name="intent" value="suspend" disabled={pending} className={secondaryButton}>
              Suspend
            </button>
          ) : null}
          <button
            type="submit"
            name="intent"
            value="close"
            disabled={pending}
            className="rounded-md border border-red-300 px-3 py-2 text-sm text-red-800 disabled:opacity-60"
          >
            Close
          </button>
          {closeNote ? <p className="w-full text-xs text-slate-600">{closeNote}</p> : null}
        </form>
      ) : null}
      <Feedback state={state} />
    </div>
  );
}

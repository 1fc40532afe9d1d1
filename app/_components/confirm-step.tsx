'use client';

import { startTransition, useActionState, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ActionState } from '@/lib/http/action-state';
import { CONFIRMED_FIELD, type ConfirmRequest } from './confirm';

export type { ConfirmRequest } from './confirm';

/** An action state that may ask for confirmation (see ./confirm.ts). */
export type ConfirmableState = ActionState & { confirm?: ConfirmRequest };

/**
 * A form whose action may ask "Fund 4 invoices: advance 30,000.00 USD?" before acting. `onSubmit`
 * sends the form (without React's form reset, so a refused form keeps what was typed); when the
 * answer asks to confirm, `asking` is the question, `confirm()` sends the same form again with
 * the token, and `cancel()` drops the question — nothing is sent, nothing is done.
 */
export function useConfirmableAction<S extends ConfirmableState>(action: (prev: S, form: FormData) => Promise<S>, initial: S) {
  const [state, dispatch, pending] = useActionState<S, FormData>(action, initial as Awaited<S>);
  const last = useRef<FormData | null>(null);
  const [dismissed, setDismissed] = useState<S | null>(null);
  const submit = (form: FormData) => {
    form.delete(CONFIRMED_FIELD);
    last.current = form;
    startTransition(() => dispatch(form));
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    submit(new FormData(event.currentTarget, submitter));
  };
  const asking = state.confirm && dismissed !== state && !pending ? state.confirm : null;
  const confirm = () => {
    if (!asking || !last.current) return;
    const form = new FormData();
    for (const [name, value] of last.current.entries()) form.append(name, value);
    form.set(CONFIRMED_FIELD, asking.token);
    startTransition(() => dispatch(form));
  };
  const cancel = () => setDismissed(state);
  return { state: state as S, pending, onSubmit, submit, asking, confirm, cancel, cancelled: dismissed === state && !!state.confirm };
}

/**
 * The question in the page (not a browser dialog): Confirm and Cancel, Confirm focused. Its
 * accessible name is the question, so a test finds it as `getByRole('alertdialog', { name })`.
 */
export function ConfirmStep({
  request,
  onConfirm,
  onCancel,
  pending,
}: {
  request: ConfirmRequest | null;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
}) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (request) button.current?.focus();
  }, [request]);
  if (!request) return null;
  return (
    <div role="alertdialog" aria-labelledby={`${id}-q`} className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
      <p id={`${id}-q`} className="font-medium">
        {request.question}
      </p>
      <div className="mt-2 flex flex-wrap gap-2">
        <button
          ref={button}
          type="button"
          onClick={onConfirm}
          disabled={pending}
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
        >
          {request.confirmLabel ?? 'Confirm'}
        </button>
        <button
          type="button"
          onClick={onCancel}
          disabled={pending}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm disabled:opacity-60"
        >
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Said after Cancel: nothing was sent. */
export function Cancelled({ show, what }: { show: boolean; what: string }) {
  return show ? (
    <p role="status" className="mt-2 text-sm text-slate-600">
      Cancelled: {what}
    </p>
  ) : null;
}

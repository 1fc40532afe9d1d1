'use client';

import { useActionState, useId } from 'react';
import type { ActionState } from '@/lib/http/action';
import { Feedback, Field, fieldClass, initialState, primaryButton, secondaryButton, submitWith } from '../clients/form-kit';
import { createDebtorAction, updateDebtorAction } from './actions';

const PLACED = new Set(['name', 'creditLimit', 'riskRating']);

type State = ActionState & { created: number };

/** SPEC 2: a new debtor (underwriters only). */
export function NewDebtorForm() {
  const id = useId();
  const [state, dispatch, pending] = useActionState(
    async (prev: State, form: FormData): Promise<State> => {
      const next = await createDebtorAction(prev, form);
      return { ...next, created: prev.created + (next.ok ? 1 : 0) };
    },
    { ok: false, message: '', created: 0 },
  );
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <div>
      {/* a blank form after each debtor added; a refused one keeps what was typed */}
      <form key={state.created} onSubmit={submitWith(dispatch)} aria-label="New debtor" className="grid gap-3 sm:grid-cols-4">
        <Field id={`${id}-name`} label="Debtor name" error={err.name}>
          <input id={`${id}-name`} name="name" required className={fieldClass} aria-invalid={Boolean(err.name)} />
        </Field>
        <Field id={`${id}-limit`} label="Credit limit" hint="e.g. 250000.00" error={err.creditLimit}>
          <input id={`${id}-limit`} name="creditLimit" inputMode="decimal" required className={fieldClass} aria-invalid={Boolean(err.creditLimit)} />
        </Field>
        <Field id={`${id}-rating`} label="Risk rating" hint="e.g. A, B, watch; empty: unrated" error={err.riskRating}>
          <input id={`${id}-rating`} name="riskRating" className={fieldClass} aria-invalid={Boolean(err.riskRating)} />
        </Field>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            Add debtor
          </button>
        </div>
      </form>
      <Feedback state={state} placed={PLACED} />
    </div>
  );
}

/** One row's credit limit and risk rating. */
export function EditDebtorForm({ debtor }: { debtor: { id: string; name: string; creditLimit: string; riskRating: string } }) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(updateDebtorAction, initialState);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={submitWith(dispatch)} aria-label={`Edit ${debtor.name}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="debtorId" value={debtor.id} />
      <div className="w-36">
        <label htmlFor={`${id}-limit`} className="text-xs font-medium">
          Credit limit
        </label>
        <input id={`${id}-limit`} name="creditLimit" inputMode="decimal" defaultValue={debtor.creditLimit} className="mt-0.5 w-full rounded border border-slate-300 px-2 py-1 text-xs" aria-invalid={Boolean(err.creditLimit)} />
      </div>
      <div className="w-28">
        <label htmlFor={`${id}-rating`} className="text-xs font-medium">
          Risk rating
        </label>
        <input id={`${id}-rating`} name="riskRating" defaultValue={debtor.riskRating} className="mt-0.5 w-full rounded border border-slate-300 px-2 py-1 text-xs" aria-invalid={Boolean(err.riskRating)} />
      </div>
      <button type="submit" disabled={pending} className={`${secondaryButton} py-1 text-xs`}>
        Save
      </button>
      {state.message ? (
        <p role={state.ok ? 'status' : 'alert'} className={`w-full text-xs ${state.ok ? 'text-emerald-800' : 'text-red-800'}`}>
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

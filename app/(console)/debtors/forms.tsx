'use client';

import { useActionState, useId } from 'react';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { MONEY_HINT } from '@/lib/validation/fields';
import { Feedback, Field, fieldClass, primaryButton, secondaryButton, submitWith } from '../clients/form-kit';
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
  const invalid = (name: string) => (err[name] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${name}-error` } : {});
  return (
    <div>
      {/* a blank form after each debtor added; a refused one keeps what was typed */}
      <form key={state.created} onSubmit={submitWith(dispatch)} aria-label="New debtor" className="grid gap-3 sm:grid-cols-4">
        <Field id={`${id}-name`} label="Debtor name" error={err.name}>
          <input id={`${id}-name`} name="name" required defaultValue={typedValue(state, 'name')} className={fieldClass} {...invalid('name')} />
        </Field>
        <Field id={`${id}-creditLimit`} label="Credit limit" hint={`In USD. ${MONEY_HINT}`} error={err.creditLimit}>
          <input
            id={`${id}-creditLimit`}
            name="creditLimit"
            inputMode="decimal"
            required
            defaultValue={typedValue(state, 'creditLimit')}
            className={fieldClass}
            {...invalid('creditLimit')}
          />
        </Field>
        <Field id={`${id}-riskRating`} label="Risk rating" hint="e.g. A, B, watch; empty: unrated" error={err.riskRating}>
          <input id={`${id}-riskRating`} name="riskRating" defaultValue={typedValue(state, 'riskRating')} className={fieldClass} {...invalid('riskRating')} />
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
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(updateDebtorAction, initialActionState);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={submitWith(dispatch)} aria-label={`Edit ${debtor.name}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="debtorId" value={debtor.id} />
      <div className="w-36">
        <label htmlFor={`${id}-limit`} className="text-xs font-medium">
          Credit limit
        </label>
        <input
          id={`${id}-limit`}
          name="creditLimit"
          inputMode="decimal"
          defaultValue={typedValue(state, 'creditLimit', debtor.creditLimit)}
          className="mt-0.5 w-full rounded border border-slate-300 px-2 py-1 text-xs"
          aria-invalid={err.creditLimit ? true : undefined}
          aria-describedby={err.creditLimit ? `${id}-limit-error` : undefined}
        />
        {err.creditLimit ? (
          <p id={`${id}-limit-error`} className="mt-0.5 text-xs text-red-700">
            {err.creditLimit}
          </p>
        ) : null}
      </div>
      <div className="w-28">
        <label htmlFor={`${id}-rating`} className="text-xs font-medium">
          Risk rating
        </label>
        <input
          id={`${id}-rating`}
          name="riskRating"
          defaultValue={typedValue(state, 'riskRating', debtor.riskRating)}
          className="mt-0.5 w-full rounded border border-slate-300 px-2 py-1 text-xs"
          aria-invalid={err.riskRating ? true : undefined}
          aria-describedby={err.riskRating ? `${id}-rating-error` : undefined}
        />
        {err.riskRating ? (
          <p id={`${id}-rating-error`} className="mt-0.5 text-xs text-red-700">
            {err.riskRating}
          </p>
        ) : null}
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

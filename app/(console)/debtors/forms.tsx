'use client';

import { useActionState, useId } from 'react';
import { DebtorPicker } from '@/app/_components/debtor-picker';
import { Cancelled, ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { MONEY_HINT } from '@/lib/validation/fields';
import { Feedback, Field, fieldClass, primaryButton, secondaryButton, submitWith } from '../clients/form-kit';
import { createDebtorAction, decideDebtorMergeAction, requestDebtorMergeAction, updateDebtorAction } from './actions';

const initialConfirmable: ConfirmableState = { ok: false, message: '' };
type ConfirmableAct = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;

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

const MERGE_PLACED = new Set(['intoDebtorId', 'reason']);

/**
 * Issue 13: propose merging this debtor (a duplicate) into another. The picker shows each
 * debtor's id, credit limit, rating and open invoices, so two of the same name are told apart.
 */
export function RequestMergeForm({ debtor }: { debtor: { id: string; name: string } }) {
  const id = useId();
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(requestDebtorMergeAction, initialActionState);
  const err = state.ok ? {} : (state.errors ?? {});
  if (state.ok) {
    return (
      <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
        {state.message}
      </p>
    );
  }
  return (
    <form onSubmit={submitWith(dispatch)} aria-label={`Merge ${debtor.name} into another debtor`} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="debtorId" value={debtor.id} />
      {/* 2,000+ debtors: typed, not a select (issue 13); this debtor is not offered. */}
      <DebtorPicker
        name="intoDebtorId"
        label="Merge into (the debtor that stays)"
        initialId={typedValue(state, 'intoDebtorId')}
        initialLabel={typedValue(state, 'intoDebtorIdLabel')}
        error={err.intoDebtorId}
        excludeId={debtor.id}
      />
      <Field id={`${id}-reason`} label="Why they are the same debtor" error={err.reason}>
        <textarea
          id={`${id}-reason`}
          name="reason"
          required
          rows={2}
          defaultValue={typedValue(state, 'reason')}
          className={fieldClass}
          aria-invalid={err.reason ? true : undefined}
          aria-describedby={err.reason ? `${id}-reason-error` : undefined}
        />
      </Field>
      <div className="sm:col-span-2">
        <button type="submit" disabled={pending} className={primaryButton}>
          Propose merge
        </button>
        <Feedback state={state} placed={MERGE_PLACED} />
      </div>
    </form>
  );
}

/** Approve (after confirming what moves) or reject with a reason: someone other than who proposed it. */
export function MergeDecisionForm({ mergeId, label }: { mergeId: string; label: string }) {
  const { state, pending, onSubmit, asking, confirm, cancel, cancelled } = useConfirmableAction(decideDebtorMergeAction as ConfirmableAct, initialConfirmable);
  const reasonId = useId();
  if (state.ok && !state.confirm) {
    return (
      <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
        {state.message}
      </p>
    );
  }
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={onSubmit} aria-label={`Decide ${label}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="mergeId" value={mergeId} />
      <button type="submit" name="decision" value="approve" disabled={pending} className={primaryButton}>
        Approve merge
      </button>
      <div>
        <label htmlFor={reasonId} className="text-xs font-medium">
          Reason (to reject)
        </label>
        <input
          id={reasonId}
          name="reason"
          defaultValue={typedValue(state, 'reason')}
          aria-invalid={err.reason ? true : undefined}
          aria-describedby={err.reason ? `${reasonId}-error` : undefined}
          className="mt-0.5 block rounded-md border border-slate-300 px-2 py-2 text-sm"
        />
        {err.reason ? (
          <p id={`${reasonId}-error`} className="mt-1 text-xs text-red-700">
            {err.reason}
          </p>
        ) : null}
      </div>
      <button type="submit" name="decision" value="reject" disabled={pending} className={`${secondaryButton} border-red-300 text-red-800`}>
        Reject
      </button>
      <div className="w-full">
        <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
        <Cancelled show={cancelled} what="nothing was merged." />
      </div>
      {state.message && !state.ok ? (
        <p role="alert" className="w-full text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

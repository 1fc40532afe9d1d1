'use client';

import { useId } from 'react';
import { Cancelled, ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { typedValue } from '@/lib/http/action-state';
import { decideBandChangeAction } from './risk-actions';

const initial: ConfirmableState = { ok: false, message: '' };

/** Accept or reject (with a reason) a proposed risk band change; each asks to confirm first. */
export function RiskDecision({ clientId, agreementId }: { clientId: string; agreementId: string }) {
  const { state, pending, onSubmit, asking, confirm, cancel, cancelled } = useConfirmableAction(
    decideBandChangeAction as (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>,
    initial,
  );
  const reasonId = useId();
  if (state.ok && !state.confirm) {
    return (
      <p role="status" className="mt-2 text-sm text-emerald-800">
        {state.message}
      </p>
    );
  }
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={onSubmit} aria-label="Decide the risk band change" className="mt-2 flex flex-wrap items-end gap-2">
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="agreementId" value={agreementId} />
      <button
        type="submit"
        name="decision"
        value="approve"
        disabled={pending}
        className="rounded-md bg-brand-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-60"
      >
        Accept
      </button>
      <div>
        <label htmlFor={reasonId} className="sr-only">
          Reason for rejecting the band change
        </label>
        <input
          id={reasonId}
          name="reason"
          placeholder="Reason (to reject)"
          defaultValue={typedValue(state, 'reason')}
          aria-invalid={err.reason ? true : undefined}
          aria-describedby={err.reason ? `${reasonId}-error` : undefined}
          className="rounded-md border border-slate-300 px-2 py-1 text-sm"
        />
        {err.reason ? (
          <p id={`${reasonId}-error`} className="mt-1 text-xs text-red-700">
            {err.reason}
          </p>
        ) : null}
      </div>
      <button type="submit" name="decision" value="reject" disabled={pending} className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-800">
        Reject
      </button>
      <div className="w-full">
        <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
        <Cancelled show={cancelled} what="nothing was decided." />
      </div>
      {state.message && !state.ok ? (
        <p role="alert" className="w-full text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

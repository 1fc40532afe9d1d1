'use client';

import Link from 'next/link';
import { useActionState, useId, useState } from 'react';
import { submitWith } from '@/app/(console)/clients/form-kit';
import { ClientPicker } from '@/app/_components/client-picker';
import { Cancelled, ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { FieldError, invalid } from '@/app/_components/field-error';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { displayMoney } from '@/lib/money';
import { MONEY_HINT } from '@/lib/validation/fields';
import { approveReleaseAction, bulkApproveAction, rejectReleaseAction, resumeCycleAction, runCycleAction } from './actions';

const initial: ActionState = initialActionState;
const input = 'mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm';
type Confirmable = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;

function Feedback({ state }: { state: ActionState }) {
  if (!state.message) return null;
  return (
    <p
      role={state.ok ? 'status' : 'alert'}
      className={`mt-2 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}
    >
      {state.message}
    </p>
  );
}

export function RunCycleForm({ today }: { today: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(runCycleAction, initial);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={submitWith(action)} aria-label="Run a release cycle" className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="cycle-as-of" className="text-sm font-medium">
          As of
        </label>
        <input
          id="cycle-as-of"
          name="asOf"
          type="date"
          required
          defaultValue={typedValue(state, 'asOf', today)}
          className={input}
          {...invalid('cycle-as-of-error', err.asOf)}
        />
        <FieldError id="cycle-as-of-error" message={err.asOf} />
      </div>
      <div className="w-full max-w-md">
        {/* 10,000 clients: a typeahead, not a select (issue 13) */}
        <ClientPicker
          name="clientId"
          label="Clients"
          required={false}
          initialId={typedValue(state, 'clientId')}
          initialLabel={typedValue(state, 'clientIdLabel')}
          error={err.clientId ?? err.clientIds}
          hint="Leave empty for every client due on that date (cadence), or type part of one client's name or its number"
        />
      </div>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Running…' : 'Run release cycle'}
      </button>
      <div className="w-full">
        <Feedback state={state} />
      </div>
    </form>
  );
}

/** A failed or stalled cycle: resume it (the same date and clients; nothing is proposed twice). */
export function ResumeCycleForm({ cycleId }: { cycleId: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(resumeCycleAction, initial);
  return (
    <form onSubmit={submitWith(action)} aria-label="Resume this release cycle" className="mt-3">
      <input type="hidden" name="cycleId" value={cycleId} />
      <button type="submit" disabled={pending || state.ok} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Resuming…' : 'Resume this cycle'}
      </button>
      <Feedback state={state} />
    </form>
  );
}

/** Approve (all, or part with an amount: after confirming the amount) or reject with a reason. */
/**
 * Approve (with the amount) and Reject side by side. `approveBlocked` says why this person may
 * not approve (they gave the first approval, or a controller must give the second) while they
 * may still reject: the sentence takes the Approve form's place.
 */
export function ReleaseDecision({
  releaseId,
  amount,
  currency,
  approveBlocked,
}: {
  releaseId: string;
  amount: string;
  currency: string;
  approveBlocked?: string | null;
}) {
  const approve = useConfirmableAction(approveReleaseAction as Confirmable, initial as ConfirmableState);
  const [rejectState, reject, rejecting] = useActionState<ActionState, FormData>(rejectReleaseAction, initial);
  const amountId = useId();
  const reasonId = useId();
  const approveState = approve.state;
  const done = approveState.ok && !approveState.confirm ? approveState : rejectState.ok ? rejectState : null;
  if (done) return <Feedback state={done} />;
  const approveErr = approveState.ok ? {} : (approveState.errors ?? {});
  const rejectErr = rejectState.ok ? {} : (rejectState.errors ?? {});
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {approveBlocked ? (
        <p className="self-start rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">{approveBlocked}</p>
      ) : (
        <form onSubmit={approve.onSubmit} aria-label={`Approve release ${releaseId}`} className="rounded-md border border-slate-200 p-3">
          <input type="hidden" name="releaseId" value={releaseId} />
          <label htmlFor={amountId} className="text-sm font-medium">
            Amount to release ({currency}); less than {displayMoney(amount, currency)} releases part and keeps the rest for the next cycle
          </label>
          <input
            id={amountId}
            name="amount"
            defaultValue={typedValue(approveState, 'amount', amount)}
            inputMode="decimal"
            title={MONEY_HINT}
            className={input}
            {...invalid(`${amountId}-error`, approveErr.amount)}
          />
          <FieldError id={`${amountId}-error`} message={approveErr.amount} />
          <button
            type="submit"
            disabled={approve.pending}
            className="mt-2 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
          >
            Approve release
          </button>
          <ConfirmStep request={approve.asking} onConfirm={approve.confirm} onCancel={approve.cancel} pending={approve.pending} />
          <Cancelled show={approve.cancelled} what="nothing was approved." />
          {approveState.ok ? null : <Feedback state={approveState} />}
        </form>
      )}
      <form onSubmit={submitWith(reject)} aria-label={`Reject release ${releaseId}`} className="rounded-md border border-slate-200 p-3">
        <input type="hidden" name="releaseId" value={releaseId} />
        <label htmlFor={reasonId} className="text-sm font-medium">
          Reason for rejecting
        </label>
        <input
          id={reasonId}
          name="reason"
          defaultValue={typedValue(rejectState, 'reason')}
          className={`${input} w-full`}
          {...invalid(`${reasonId}-error`, rejectErr.reason)}
        />
        <FieldError id={`${reasonId}-error`} message={rejectErr.reason} />
        <button type="submit" disabled={rejecting} className="mt-2 rounded-md border border-red-300 px-4 py-2 text-sm text-red-800">
          Reject release
        </button>
        <Feedback state={rejectState} />
      </form>
    </div>
  );
}

export interface QueueRow {
  id: string;
  clientId: string;
  clientName: string;
  currency: string;
  asOf: string;
  amount: string;
  approvedAmount: string | null;
  releaseMode: string;
  needsController: boolean;
  firstApprovedBy: string | null;
  /** why this person may not approve it (they ran the cycle, or gave the first approval): no checkbox then */
  blocked?: string | null;
}

/**
 * The release approval queue with bulk approve: "Approve selected" first asks "Approve 3
 * releases: release 5,700.00 USD?"; confirmed, every ticked release is still approved one by one.
 */
export function ReleaseQueue({ rows, canDecide }: { rows: QueueRow[]; canDecide: boolean }) {
  const { state, pending, onSubmit, asking, confirm, cancel, cancelled } = useConfirmableAction(bulkApproveAction as Confirmable, initial as ConfirmableState);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const toggle = (id: string) => setTicked((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const choosable = rows.filter((r) => !r.blocked);
  const selected = choosable.filter((r) => ticked.has(r.id)).length;
  const all = choosable.length > 0 && selected === choosable.length;
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={onSubmit} aria-label="Releases waiting for approval">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="px-3 py-2 text-left font-semibold">Releases waiting for approval</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              {canDecide ? (
                <th className="px-3 py-2">
                  {choosable.length > 0 ? (
                    <input
                      type="checkbox"
                      aria-label="Select every release shown"
                      checked={all}
                      onChange={() => setTicked(all ? new Set() : new Set(choosable.map((r) => r.id)))}
                    />
                  ) : null}
                </th>
              ) : null}
              <th className="px-3 py-2 font-medium">Release</th>
              <th className="px-3 py-2 font-medium">Client</th>
              <th className="px-3 py-2 font-medium">As of</th>
              <th className="px-3 py-2 text-right font-medium">Amount</th>
              <th className="px-3 py-2 font-medium">Release mode</th>
              <th className="px-3 py-2 font-medium">Approvals</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-3 py-4 text-slate-500">
                  No release waits for approval.
                </td>
              </tr>
            ) : null}
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100">
                {canDecide ? (
                  <td className="px-3 py-2">
                    {r.blocked ? null : (
                      <input
                        type="checkbox"
                        name="releaseIds"
                        value={r.id}
                        aria-label={`Select release ${r.id}`}
                        checked={ticked.has(r.id)}
                        onChange={() => toggle(r.id)}
                      />
                    )}
                  </td>
                ) : null}
                <td className="px-3 py-2">
                  <Link className="text-brand-700 underline" href={`/releases/${r.id}`}>{`Release ${r.id}`}</Link>
                </td>
                <td className="px-3 py-2">{r.clientName}</td>
                <td className="px-3 py-2">{r.asOf}</td>
                <td className="num px-3 py-2 text-right">{displayMoney(r.approvedAmount ?? r.amount, r.currency)}</td>
                <td className="px-3 py-2">{r.releaseMode}</td>
                <td className="px-3 py-2">
                  {r.needsController
                    ? r.firstApprovedBy
                      ? `approved by ${r.firstApprovedBy}; a controller must approve`
                      : 'two: an approver and a controller'
                    : 'one'}
                  {r.blocked ? <span className="block text-xs text-amber-800">{r.blocked}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canDecide && choosable.length > 0 ? (
        <button
          type="submit"
          disabled={pending || selected === 0}
          className="mt-3 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
        >
          {pending ? 'Approving…' : `Approve selected (${selected})`}
        </button>
      ) : null}
      {err.releaseIds ? <FieldError id="release-queue-error" message={err.releaseIds} /> : null}
      <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
      <Cancelled show={cancelled} what="nothing was approved." />
      {state.confirm ? null : <Feedback state={state} />}
    </form>
  );
}

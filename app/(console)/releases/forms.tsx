'use client';

import Link from 'next/link';
import { useActionState, useId, useState } from 'react';
import type { ActionState } from '@/lib/http/action';
import { displayMoney } from '@/lib/money';
import { approveReleaseAction, bulkApproveAction, rejectReleaseAction, resumeCycleAction, runCycleAction } from './actions';

const initial: ActionState = { ok: false, message: '' };
const input = 'mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm';

function Feedback({ state }: { state: ActionState }) {
  if (!state.message) return null;
  return (
    <p role={state.ok ? 'status' : 'alert'} className={`mt-2 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}>
      {state.message}
    </p>
  );
}

export function RunCycleForm({ today, clients }: { today: string; clients: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState(runCycleAction, initial);
  return (
    <form action={action} aria-label="Run a release cycle" className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="cycle-as-of" className="text-sm font-medium">
          As of
        </label>
        <input id="cycle-as-of" name="asOf" type="date" required defaultValue={today} className={input} />
      </div>
      <div>
        <label htmlFor="cycle-client" className="text-sm font-medium">
          Clients
        </label>
        <select id="cycle-client" name="clientId" defaultValue="" className={input}>
          <option value="">Every client due on that date (cadence)</option>
          {clients.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
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
  const [state, action, pending] = useActionState(resumeCycleAction, initial);
  return (
    <form action={action} aria-label="Resume this release cycle" className="mt-3">
      <input type="hidden" name="cycleId" value={cycleId} />
      <button type="submit" disabled={pending || state.ok} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        {pending ? 'Resuming…' : 'Resume this cycle'}
      </button>
      <Feedback state={state} />
    </form>
  );
}

/** Approve (all, or part with an amount) or reject with a reason. */
export function ReleaseDecision({ releaseId, amount, currency }: { releaseId: string; amount: string; currency: string }) {
  const [approveState, approve, approving] = useActionState(approveReleaseAction, initial);
  const [rejectState, reject, rejecting] = useActionState(rejectReleaseAction, initial);
  const amountId = useId();
  const reasonId = useId();
  const done = approveState.ok ? approveState : rejectState.ok ? rejectState : null;
  if (done) return <Feedback state={done} />;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <form action={approve} aria-label={`Approve release ${releaseId}`} className="rounded-md border border-slate-200 p-3">
        <input type="hidden" name="releaseId" value={releaseId} />
        <label htmlFor={amountId} className="text-sm font-medium">
          Amount to release ({currency}); less than {amount} releases part and keeps the rest for the next cycle
        </label>
        <input id={amountId} name="amount" defaultValue={amount} inputMode="decimal" className={input} />
        <button type="submit" disabled={approving} className="mt-2 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
          Approve release
        </button>
        <Feedback state={approveState} />
      </form>
      <form action={reject} aria-label={`Reject release ${releaseId}`} className="rounded-md border border-slate-200 p-3">
        <input type="hidden" name="releaseId" value={releaseId} />
        <label htmlFor={reasonId} className="text-sm font-medium">
          Reason for rejecting
        </label>
        <input id={reasonId} name="reason" className={`${input} w-full`} />
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
  /** why the person looking may not approve it (they ran its cycle…): no checkbox, this sentence instead */
  blocked?: string | null;
}

/** The release approval queue with bulk approve: every ticked release is still approved one by one. */
export function ReleaseQueue({ rows, canDecide }: { rows: QueueRow[]; canDecide: boolean }) {
  const [state, action, pending] = useActionState(bulkApproveAction, initial);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const toggle = (id: string) => setTicked((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const open = rows.filter((r) => !r.blocked);
  const selected = open.filter((r) => ticked.has(r.id)).length;
  const all = open.length > 0 && selected === open.length;
  return (
    <form action={action} aria-label="Releases waiting for approval">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="px-3 py-2 text-left font-semibold">Releases waiting for approval</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              {canDecide ? (
                <th className="px-3 py-2">
                  {open.length > 0 ? <input type="checkbox" aria-label="Select every release shown" checked={all} onChange={() => setTicked(all ? new Set() : new Set(open.map((r) => r.id)))} /> : null}
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
                    {r.blocked ? null : <input type="checkbox" name="releaseId" value={r.id} aria-label={`Select release ${r.id}`} checked={ticked.has(r.id)} onChange={() => toggle(r.id)} />}
                  </td>
                ) : null}
                <td className="px-3 py-2">
                  <Link className="text-brand-700 underline" href={`/releases/${r.id}`}>{`Release ${r.id}`}</Link>
                </td>
                <td className="px-3 py-2">{r.clientName}</td>
                <td className="px-3 py-2">{r.asOf}</td>
                <td className="num px-3 py-2 text-right">{displayMoney(r.amount, r.currency)}</td>
                <td className="px-3 py-2">{r.releaseMode}</td>
                <td className="px-3 py-2">
                  {r.needsController ? (r.firstApprovedBy ? `approved by ${r.firstApprovedBy}; a controller must approve` : 'two: an approver and a controller') : 'one'}
                  {canDecide && r.blocked ? <p className="text-amber-800">{r.blocked}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canDecide && open.length > 0 ? (
        <button type="submit" disabled={pending || selected === 0} className="mt-3 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
          {pending ? 'Approving…' : `Approve selected (${selected})`}
        </button>
      ) : null}
      <Feedback state={state} />
    </form>
  );
}

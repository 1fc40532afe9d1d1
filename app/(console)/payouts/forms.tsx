'use client';

import Link from 'next/link';
import { Feedback, SelectInput, TextInput, primaryButton } from '@/app/(console)/clients/form-kit';
import { Cancelled, ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { createBatchAction, generateFileAction, markSentAction, markSettledAction, returnReleaseAction } from './actions';

type Confirmable = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;
const initial = initialActionState as ConfirmableState;

function Done({ state }: { state: ActionState }) {
  return (
    <div role="status" className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
      <p>
        {state.message}{' '}
        {state.link ? (
          <Link className="font-medium underline" href={state.link.href}>
            {state.link.label}
          </Link>
        ) : null}
      </p>
    </div>
  );
}

/** Releases → Payouts: a batch of every approved release of a currency, for a value date. */
export function CreateBatchForm({ currencies, today }: { currencies: string[]; today: string }) {
  const { state, pending, onSubmit } = useConfirmableAction(createBatchAction as Confirmable, initial);
  return (
    <form onSubmit={onSubmit} aria-label="Create a payout batch" className="grid gap-3 sm:grid-cols-[10rem_12rem_auto] sm:items-end">
      <SelectInput state={state} name="currency" label="Currency" options={currencies.map((c) => [c, c] as const)} fallback={currencies[0] ?? 'USD'} required />
      <TextInput state={state} name="valueDate" label="Value date" type="date" fallback={today} required hint="The day the bank pays the clients" />
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? 'Creating…' : 'Create payout batch'}
      </button>
      <div className="sm:col-span-3">{state.ok ? <Done state={state} /> : <Feedback state={state} placed={new Set(['currency', 'valueDate'])} />}</div>
    </form>
  );
}

/** An open batch: generate its one file (which freezes it). */
export function GenerateFileForm({ batchId, formats }: { batchId: string; formats: readonly (readonly [string, string])[] }) {
  const form = useConfirmableAction(generateFileAction as Confirmable, initial);
  const { state } = form;
  if (state.ok && !state.confirm && state.message) return <Done state={state} />;
  return (
    <form onSubmit={form.onSubmit} aria-label={`Generate the file of payout batch ${batchId}`} className="grid gap-3 sm:grid-cols-[16rem_auto] sm:items-end">
      <input type="hidden" name="batchId" value={batchId} />
      <SelectInput state={state} name="format" label="File format" options={formats} fallback={formats[0]?.[0] ?? 'csv'} required />
      <button type="submit" disabled={form.pending} className={primaryButton}>
        Generate the file
      </button>
      <div className="sm:col-span-2">
        <ConfirmStep request={form.asking} onConfirm={form.confirm} onCancel={form.cancel} pending={form.pending} />
        <Cancelled show={form.cancelled} what="no file was generated" />
        {state.ok ? null : <Feedback state={state} placed={new Set(['format'])} />}
      </div>
    </form>
  );
}

/** Sent (the file went to the bank) or settled (the bank confirmed): a date, then confirm. */
export function BatchStepForm({ batchId, step, today }: { batchId: string; step: 'sent' | 'settled'; today: string }) {
  const form = useConfirmableAction((step === 'sent' ? markSentAction : markSettledAction) as Confirmable, initial);
  const { state } = form;
  if (state.ok && !state.confirm && state.message) return <Done state={state} />;
  const label = step === 'sent' ? 'Mark sent' : 'Mark settled';
  return (
    <form onSubmit={form.onSubmit} aria-label={`${label}: payout batch ${batchId}`} className="grid gap-3 sm:grid-cols-[12rem_auto] sm:items-end">
      <input type="hidden" name="batchId" value={batchId} />
      <TextInput
        state={state}
        name="date"
        label={step === 'sent' ? 'Date sent' : 'Date settled'}
        type="date"
        fallback={today}
        required
        hint={step === 'sent' ? 'The day the file went to the bank' : 'The day the bank statement shows the money left'}
      />
      <button type="submit" disabled={form.pending} className={primaryButton}>
        {label}
      </button>
      <div className="sm:col-span-2">
        <ConfirmStep request={form.asking} onConfirm={form.confirm} onCancel={form.cancel} pending={form.pending} />
        <Cancelled show={form.cancelled} what="nothing was posted" />
        {state.ok ? null : <Feedback state={state} placed={new Set(['date'])} />}
      </div>
    </form>
  );
}

/** One release of a sent or settled batch came back from the bank. */
export function ReturnReleaseForm({
  releaseId,
  batchId,
  today,
  codes,
}: {
  releaseId: string;
  batchId: string;
  today: string;
  codes: readonly (readonly [string, string])[];
}) {
  const form = useConfirmableAction(returnReleaseAction as Confirmable, initial);
  const { state } = form;
  if (state.ok && !state.confirm && state.message) return <Done state={state} />;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-brand-700 underline">Record a return</summary>
      <form onSubmit={form.onSubmit} aria-label={`Record a return of release ${releaseId}`} className="mt-2 grid gap-2">
        <input type="hidden" name="releaseId" value={releaseId} />
        <input type="hidden" name="batchId" value={batchId} />
        <TextInput state={state} name="date" label="Date returned" type="date" fallback={today} required />
        <SelectInput state={state} name="code" label="Return code" options={codes} placeholder="Choose the bank's code" required />
        <TextInput state={state} name="reason" label="Reason" hint="What the bank said, in its words" required />
        <button type="submit" disabled={form.pending} className={primaryButton}>
          Record the return
        </button>
        <ConfirmStep request={form.asking} onConfirm={form.confirm} onCancel={form.cancel} pending={form.pending} />
        <Cancelled show={form.cancelled} what="nothing was posted" />
        {state.ok ? null : <Feedback state={state} placed={new Set(['date', 'code', 'reason'])} />}
      </form>
    </details>
  );
}

'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId } from 'react';
import { Field, fieldClass, primaryButton } from '@/app/(console)/clients/form-kit';
import { openDisputeAction, recourseAction, type CollectionsState } from '@/app/(console)/collections/actions';
import { Answer } from '@/app/(console)/collections/inbox';
import { Cancelled, ConfirmStep, useConfirmableAction } from '@/app/_components/confirm-step';
import { typedValue } from '@/lib/http/action-state';
import { MONEY_HINT } from '@/lib/validation/fields';

const initial: CollectionsState = { ok: false, message: '' };
type Act = (prev: CollectionsState, form: FormData) => Promise<CollectionsState>;

const invalid = (errorId: string, message: string | undefined) => (message ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {});

/** A done command refreshes the page (the invoice's status, reserve and fee change). */
function useRefreshOnDone(state: CollectionsState) {
  const router = useRouter();
  useEffect(() => {
    if (state.ok && !state.confirm && state.message) router.refresh();
  }, [state, router]);
}

/**
 * The invoice named the way every form names one: its number, with its id as the invoice chosen
 * for that number (the server takes the id only while the invoice still has the number).
 */
function Named({ number, invoiceId }: { number: string; invoiceId: string }) {
  return (
    <>
      <input type="hidden" name="invoiceNumber" value={number} />
      <input type="hidden" name="invoiceId" value={invoiceId} />
    </>
  );
}

/** SPEC 5.2 from the invoice's page: the same command as Collections → Disputes. */
function InvoiceDisputeForm({
  invoiceId,
  number,
  outstanding,
  owed,
  today,
  allowed,
}: {
  invoiceId: string;
  number: string;
  /** what is still owed, as a form takes it ("12500.00") and as a person reads it ("12,500.00 USD") */
  outstanding: string;
  owed: string;
  today: string;
  /** false once the invoice is no longer open to a dispute: the answer stays, the form goes */
  allowed: boolean;
}) {
  const form = useConfirmableAction<CollectionsState>(openDisputeAction as Act, initial);
  const { state, pending, onSubmit } = form;
  const err = state.ok ? {} : (state.errors ?? {});
  const id = useId();
  useRefreshOnDone(state);
  if (!allowed) return <Answer state={state} />;
  return (
    <div className="mt-3">
      <h3 className="text-sm font-medium">Open a dispute</h3>
      <form onSubmit={onSubmit} aria-label={`Open a dispute on ${number}`} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Named number={number} invoiceId={invoiceId} />
        <Field id={`${id}-amount`} label="Disputed amount" hint={`At most the ${owed} still owed`} error={err.amount}>
          <input
            id={`${id}-amount`}
            name="amount"
            required
            inputMode="decimal"
            title={MONEY_HINT}
            defaultValue={typedValue(state, 'amount', outstanding)}
            className={`${fieldClass} num`}
            {...invalid(`${id}-amount-error`, err.amount)}
          />
        </Field>
        <div className="sm:col-span-2">
          <Field id={`${id}-reason`} label="Reason" error={err.reason}>
            <input
              id={`${id}-reason`}
              name="reason"
              required
              maxLength={2000}
              defaultValue={typedValue(state, 'reason')}
              className={fieldClass}
              {...invalid(`${id}-reason-error`, err.reason)}
            />
          </Field>
        </div>
        <Field id={`${id}-date`} label="Opened on" error={err.date}>
          <input
            id={`${id}-date`}
            name="date"
            type="date"
            defaultValue={typedValue(state, 'date', today)}
            className={fieldClass}
            {...invalid(`${id}-date-error`, err.date)}
          />
        </Field>
        <div className="flex items-end">
          <button type="submit" disabled={pending} className={primaryButton}>
            Open dispute
          </button>
        </div>
      </form>
      {err.invoiceNumber || err.invoiceId ? <p className="mt-2 text-sm text-red-700">{err.invoiceNumber ?? err.invoiceId}</p> : null}
      <Answer state={state} />
    </div>
  );
}

/**
 * Recourse → charge back; non-recourse → write off (SPEC 5.2), the same command as Collections →
 * Charge back / write off: it asks first, naming what is still owed, and asks again if that changed.
 */
function InvoiceRecourseForm({
  invoiceId,
  number,
  owed,
  today,
  intent,
}: {
  invoiceId: string;
  number: string;
  owed: string;
  today: string;
  /** null once the invoice is closed: the answer stays, the form goes */
  intent: 'chargeback' | 'write_off' | null;
}) {
  const form = useConfirmableAction<CollectionsState>(recourseAction as Act, initial);
  const { state, pending, onSubmit } = form;
  const err = state.ok ? {} : (state.errors ?? {});
  const id = useId();
  useRefreshOnDone(state);
  const label = intent === 'chargeback' ? 'Charge back (recourse)' : 'Write off (non-recourse)';
  if (intent === null) return <Answer state={state} />;
  return (
    <div className="mt-5">
      <h3 className="text-sm font-medium">
        {intent === 'chargeback' ? 'Charge back to the client (recourse)' : 'Write off (non-recourse debtor default)'}: {owed} still owed
      </h3>
      <form
        onSubmit={onSubmit}
        aria-label={intent === 'chargeback' ? `Charge back ${number}` : `Write off ${number}`}
        className="flex flex-wrap items-end gap-3"
      >
        <Named number={number} invoiceId={invoiceId} />
        <input type="hidden" name="intent" value={intent} />
        <Field id={`${id}-date`} label="Date" error={err.date}>
          <input
            id={`${id}-date`}
            name="date"
            type="date"
            required
            defaultValue={typedValue(state, 'date', today)}
            className={fieldClass}
            {...invalid(`${id}-date-error`, err.date)}
          />
        </Field>
        <button
          type="submit"
          disabled={pending}
          className={intent === 'chargeback' ? primaryButton : 'rounded-md border border-red-300 px-3 py-2 text-sm text-red-800 disabled:opacity-60'}
        >
          {label}
        </button>
      </form>
      <ConfirmStep request={form.asking} onConfirm={form.confirm} onCancel={form.cancel} pending={form.pending} />
      <Cancelled show={form.cancelled} what={intent === 'chargeback' ? 'nothing was charged back.' : 'nothing was written off.'} />
      {state.confirm ? null : <Answer state={state} />}
    </div>
  );
}

/**
 * The invoice's own actions (issue 13, item 5), for those whose role may take them: open a
 * dispute, charge back or write off — the collections forms' commands. Mounted whatever the
 * invoice's state, so the answer of a command stays on screen after the page refreshes without
 * the form it came from.
 */
export function InvoiceActions({
  invoiceId,
  number,
  outstanding,
  owed,
  today,
  dispute,
  recourse,
  status,
}: {
  invoiceId: string;
  number: string;
  outstanding: string;
  owed: string;
  today: string;
  /** the form is offered (the permission and the invoice's state allow it) */
  dispute: boolean;
  recourse: 'chargeback' | 'write_off' | null;
  status: string;
}) {
  return (
    <section aria-labelledby="invoice-actions" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="invoice-actions" className="font-semibold">
        Act on this invoice
      </h2>
      {!dispute && recourse === null ? <p className="mt-2 text-sm text-slate-600">Nothing to do on a {status.replace(/_/g, ' ')} invoice.</p> : null}
      <InvoiceDisputeForm invoiceId={invoiceId} number={number} outstanding={outstanding} owed={owed} today={today} allowed={dispute} />
      <InvoiceRecourseForm invoiceId={invoiceId} number={number} owed={owed} today={today} intent={recourse} />
    </section>
  );
}

'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId } from 'react';
import { primaryButton } from '@/app/(console)/clients/form-kit';
import { openDisputeAction, recourseAction, type CollectionsState } from '@/app/(console)/collections/actions';
import { ConfirmArea, DisputeFields, fieldErrors, RecourseDateField, writeOffButton } from '@/app/(console)/collections/form-parts';
import { Answer } from '@/app/(console)/collections/inbox';
import { useConfirmableAction } from '@/app/_components/confirm-step';

const initial: CollectionsState = { ok: false, message: '' };
type Act = (prev: CollectionsState, form: FormData) => Promise<CollectionsState>;

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
  const err = fieldErrors(state);
  const id = useId();
  useRefreshOnDone(state);
  if (!allowed) return <Answer state={state} />;
  return (
    <div className="mt-3">
      <h3 className="text-sm font-medium">Open a dispute</h3>
      <form onSubmit={onSubmit} aria-label={`Open a dispute on ${number}`} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Named number={number} invoiceId={invoiceId} />
        <DisputeFields id={id} state={state} err={err} today={today} amount={outstanding} amountHint={`At most the ${owed} still owed`} />
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
  const err = fieldErrors(state);
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
        <RecourseDateField id={`${id}-date`} state={state} err={err} today={today} />
        <button type="submit" disabled={pending} className={intent === 'chargeback' ? primaryButton : writeOffButton}>
          {label}
        </button>
      </form>
      <ConfirmArea form={form} what={intent === 'chargeback' ? 'nothing was charged back.' : 'nothing was written off.'} />
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

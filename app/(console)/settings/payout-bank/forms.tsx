'use client';

import { useActionState } from 'react';
import { Feedback, SelectInput, TextInput, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { BATCH_CREATORS, BATCH_CREATOR_LABELS } from '@/lib/payouts/labels';
import { IBAN_HINT, ROUTING_HINT } from '@/lib/validation/bank';
import { saveAchOriginatorAction, saveBatchAfterCycleAction, saveSepaDebtorAction } from '../actions';

const ACH_PLACED = new Set(['originRouting', 'destinationRouting', 'destinationName', 'companyId', 'companyName']);
const SEPA_PLACED = new Set(['name', 'iban', 'bic']);

export interface AchCurrent {
  originRouting: string;
  destinationRouting: string;
  destinationName: string;
  /** masked: "••••7890" */
  companyId: string;
  companyName: string;
}

/** The ACH originator of NACHA files. The Company ID is shown masked: left blank, the saved one is kept. */
export function AchOriginatorForm({ current, canEdit }: { current: AchCurrent | null; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveAchOriginatorAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="ACH originator" className="grid gap-3 sm:grid-cols-2">
      <TextInput
        state={state}
        name="originRouting"
        label="Origin routing number"
        required
        inputMode="numeric"
        fallback={current?.originRouting ?? ''}
        disabled={!canEdit}
        hint={`Your bank's ABA routing number (the ODFI). ${ROUTING_HINT}`}
      />
      <TextInput
        state={state}
        name="destinationRouting"
        label="Receiving point routing number"
        inputMode="numeric"
        fallback={current?.destinationRouting ?? ''}
        disabled={!canEdit}
        hint="Where the file is sent; usually the same bank. Leave blank to use the origin routing number."
      />
      <TextInput
        state={state}
        name="destinationName"
        label="Bank name"
        fallback={current?.destinationName ?? ''}
        disabled={!canEdit}
        hint="As your bank asks for it, at most 23 characters (blank: ODFI)."
      />
      <TextInput
        state={state}
        name="companyId"
        label="Company ID"
        autoComplete="off"
        disabled={!canEdit}
        hint={
          current
            ? `Saved: ${current.companyId}. Leave blank to keep it. Up to 10 letters or digits, often 1 and your EIN.`
            : 'Up to 10 letters or digits your bank gave you, often 1 followed by your EIN (1123456789).'
        }
      />
      <TextInput
        state={state}
        name="companyName"
        label="Company name"
        required
        fallback={current?.companyName ?? ''}
        disabled={!canEdit}
        hint="As it shows on your clients' bank statements, at most 16 characters."
      />
      {canEdit ? (
        <div className="flex items-end sm:col-span-2">
          <button type="submit" disabled={pending} className={primaryButton}>
            Save ACH originator
          </button>
        </div>
      ) : null}
      <div className="sm:col-span-2">
        <Feedback state={state} placed={ACH_PLACED} />
      </div>
    </form>
  );
}

export interface SepaCurrent {
  name: string;
  /** masked: "DE89 •••• •••• •••• 3000" */
  iban: string;
  bic: string;
}

/** The factor's own IBAN account for pain.001 files. The IBAN is shown masked: left blank, the saved one is kept. */
export function SepaDebtorForm({ current, canEdit }: { current: SepaCurrent | null; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveSepaDebtorAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="SEPA account" className="grid gap-3 sm:grid-cols-3">
      <TextInput
        state={state}
        name="name"
        label="Account holder"
        required
        fallback={current?.name ?? ''}
        disabled={!canEdit}
        hint="The factor's name as the bank holds it."
      />
      <TextInput
        state={state}
        name="iban"
        label="IBAN"
        autoComplete="off"
        disabled={!canEdit}
        hint={current ? `Saved: ${current.iban}. Leave blank to keep it. ${IBAN_HINT}` : IBAN_HINT}
      />
      <TextInput
        state={state}
        name="bic"
        label="BIC (SWIFT code)"
        required
        fallback={current?.bic ?? ''}
        disabled={!canEdit}
        hint="8 or 11 letters and digits, e.g. DEUTDEFF"
      />
      {canEdit ? (
        <div className="flex items-end sm:col-span-3">
          <button type="submit" disabled={pending} className={primaryButton}>
            Save SEPA account
          </button>
        </div>
      ) : null}
      <div className="sm:col-span-3">
        <Feedback state={state} placed={SEPA_PLACED} />
      </div>
    </form>
  );
}

/** Issue 14: whether the release-cycle job creates the payout batch of its date (off: a person creates it on Payouts). */
export function BatchAfterCycleForm({ on, canEdit }: { on: boolean; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveBatchAfterCycleAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Payout batches after release cycles" className="grid gap-3">
      <SelectInput
        state={state}
        name="creates"
        label="Who creates payout batches"
        options={BATCH_CREATORS.map((c) => [c, BATCH_CREATOR_LABELS[c]] as const)}
        fallback={on ? 'job' : 'person'}
        disabled={!canEdit}
      />
      {canEdit ? (
        <div>
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Saving…' : 'Save'}
          </button>
        </div>
      ) : null}
      <Feedback state={state} />
    </form>
  );
}

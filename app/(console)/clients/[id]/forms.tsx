'use client';

import { useActionState, useId, useState } from 'react';
import { AGREEMENT_FORM_FIELDS, type AgreementForm } from '@/lib/agreements/form';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { proposeAgreementAction, recordNoaAction } from '../actions';
import { AgreementFields } from '../agreement-fields';
import { AgreementChangePreview } from './what-if-preview';
import { DebtorPicker } from '@/app/_components/debtor-picker';
import { Feedback, TextInput, fieldError, primaryButton, submitWith } from '../form-kit';

const NOA_PLACED = new Set(['debtorId', 'sentDate', 'acknowledgedDate']);

/** SPEC 2: the notice of assignment for one client–debtor pair, sent and acknowledged dates. */
export function NoaForm({ clientId }: { clientId: string }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(recordNoaAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Record a notice of assignment" className="grid gap-3 sm:grid-cols-4">
      <input type="hidden" name="clientId" value={clientId} />
      {/* 2,000+ debtors: typed, not a select (issue 13). The form is not reset, so a refused one keeps what was typed. */}
      <DebtorPicker initialId={typedValue(state, 'debtorId')} initialLabel={typedValue(state, 'debtorIdLabel')} error={fieldError(state, 'debtorId')} />
      <TextInput state={state} name="sentDate" label="Notice sent on" type="date" />
      <TextInput state={state} name="acknowledgedDate" label="Acknowledged on" type="date" />
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={primaryButton}>
          Record notice
        </button>
      </div>
      <div className="sm:col-span-4">
        <Feedback state={state} placed={NOA_PLACED} />
      </div>
    </form>
  );
}

const CHANGE_PLACED = new Set<string>(['effectiveFrom', ...AGREEMENT_FORM_FIELDS]);

type ChangeState = ActionState & { proposed: number };

/**
 * SPEC 2: a change of terms is a new effective-dated version; it waits for an approver and
 * never rewrites the version funded invoices were bought under. `currency` (the client's home
 * currency) lets the form refuse cents a currency does not have.
 */
export function AgreementChangeForm({
  clientId,
  current,
  effectiveFrom,
  currency,
}: {
  clientId: string;
  current: AgreementForm;
  effectiveFrom: string;
  currency?: string;
}) {
  // issue 16 item 2: Propose needs a preview of exactly the terms in the form (its digest); any change drops it
  const [digest, setDigest] = useState<string | null>(null);
  const hintId = useId();
  const [state, dispatch, pending] = useActionState(
    async (prev: ChangeState, form: FormData): Promise<ChangeState> => {
      const next = await proposeAgreementAction(prev, form);
      if (next.ok) setDigest(null); // the form starts again from the agreement in force
      return { ...next, proposed: prev.proposed + (next.ok ? 1 : 0) };
    },
    { ...initialActionState, proposed: 0 },
  );
  return (
    <div>
      <form key={state.proposed} onSubmit={submitWith(dispatch)} onChange={() => setDigest(null)} aria-label="Change agreement" className="space-y-4">
        <input type="hidden" name="clientId" value={clientId} />
        {digest ? <input type="hidden" name="whatIfDigest" value={digest} /> : null}
        {currency ? <input type="hidden" name="currency" value={currency} /> : null}
        <AgreementFields values={current} state={state} />
        <div className="flex flex-wrap items-end gap-3">
          <div>
            <TextInput
              state={state}
              name="effectiveFrom"
              label="Effective from"
              type="date"
              required
              fallback={effectiveFrom}
              hint="After the client's last funding date"
            />
          </div>
          <button type="submit" disabled={pending || digest === null} aria-describedby={hintId} className={primaryButton}>
            Propose change
          </button>
        </div>
        <p id={hintId} className="text-xs text-slate-500">
          {digest === null
            ? 'Preview the changes first: proposing is possible once the preview of these terms is shown.'
            : 'Proposes the terms previewed below.'}
        </p>
        <AgreementChangePreview onPreviewed={setDigest} current={digest !== null} />
        <Feedback state={state} placed={CHANGE_PLACED} />
      </form>
    </div>
  );
}

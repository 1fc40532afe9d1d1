'use client';

import { useActionState, useId } from 'react';
import { AGREEMENT_FORM_FIELDS, agreementErrorsByField, type AgreementForm } from '@/lib/agreements/form';
import { proposeAgreementAction, recordNoaAction } from '../actions';
import { AgreementFields } from '../agreement-fields';
import { Feedback, Field, fieldClass, initialState, primaryButton, submitWith } from '../form-kit';

const NOA_PLACED = new Set(['debtorId', 'sentDate', 'acknowledgedDate']);

/** SPEC 2: the notice of assignment for one client–debtor pair, sent and acknowledged dates. */
export function NoaForm({ clientId, debtors }: { clientId: string; debtors: { id: string; name: string }[] }) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(recordNoaAction, initialState);
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Record a notice of assignment" className="grid gap-3 sm:grid-cols-4">
      <input type="hidden" name="clientId" value={clientId} />
      <Field id={`${id}-debtor`} label="Debtor" error={err.debtorId}>
        <select id={`${id}-debtor`} name="debtorId" required defaultValue="" className={fieldClass} aria-invalid={Boolean(err.debtorId)}>
          <option value="" disabled>
            Choose a debtor
          </option>
          {debtors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-sent`} label="Notice sent on" error={err.sentDate}>
        <input id={`${id}-sent`} name="sentDate" type="date" className={fieldClass} aria-invalid={Boolean(err.sentDate)} />
      </Field>
      <Field id={`${id}-ack`} label="Acknowledged on" error={err.acknowledgedDate}>
        <input id={`${id}-ack`} name="acknowledgedDate" type="date" className={fieldClass} aria-invalid={Boolean(err.acknowledgedDate)} />
      </Field>
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

/**
 * SPEC 2: a change of terms is a new effective-dated version; it waits for an approver and
 * never rewrites the version funded invoices were bought under.
 */
export function AgreementChangeForm({ clientId, current, effectiveFrom }: { clientId: string; current: AgreementForm; effectiveFrom: string }) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(proposeAgreementAction, initialState);
  const errors = state.ok ? {} : agreementErrorsByField(state.errors);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Change agreement" className="space-y-4">
      <input type="hidden" name="clientId" value={clientId} />
      <AgreementFields values={current} errors={errors} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <Field id={`${id}-from`} label="Effective from" hint="After the client's last funding date" error={errors.effectiveFrom}>
            <input id={`${id}-from`} name="effectiveFrom" type="date" required defaultValue={effectiveFrom} className={fieldClass} aria-invalid={Boolean(errors.effectiveFrom)} />
          </Field>
        </div>
        <button type="submit" disabled={pending} className={primaryButton}>
          Propose change
        </button>
      </div>
      <Feedback state={{ ...state, errors }} placed={CHANGE_PLACED} />
    </form>
  );
}

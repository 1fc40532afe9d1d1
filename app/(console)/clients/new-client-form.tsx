'use client';

import { useActionState } from 'react';
import { AGREEMENT_FORM_FIELDS, type AgreementForm } from '@/lib/agreements/form';
import type { ActionState } from '@/lib/http/action-state';
import { createClientAction } from './actions';
import { AgreementFields } from './agreement-fields';
import { Feedback, TextInput, primaryButton, submitWith } from './form-kit';

const PLACED = new Set<string>(['name', 'currency', 'contactName', 'contactEmail', ...AGREEMENT_FORM_FIELDS]);

type State = ActionState & { created: number };

/**
 * SPEC 2: a new client is a prospect with its first agreement version (underwriters only). A
 * refused submit keeps everything typed and shows each error under its field; a created client
 * leaves a blank form.
 */
export function NewClientForm({ defaults }: { defaults: AgreementForm }) {
  const [state, dispatch, pending] = useActionState(
    async (prev: State, form: FormData): Promise<State> => {
      const next = await createClientAction(prev, form);
      return { ...next, created: prev.created + (next.ok ? 1 : 0) };
    },
    { ok: false, message: '', created: 0 },
  );
  return (
    <div>
      <form key={state.created} onSubmit={submitWith(dispatch)} aria-label="New client" className="space-y-4">
        <fieldset>
          <legend className="text-sm font-semibold text-slate-700">Client</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <TextInput state={state} name="name" label="Client name" />
            <TextInput state={state} name="currency" label="Home currency" fallback="USD" hint="An ISO 4217 code such as USD, EUR or JPY" />
            <TextInput state={state} name="contactName" label="Contact name" />
            <TextInput state={state} name="contactEmail" label="Contact email" type="email" inputMode="email" />
          </div>
        </fieldset>
        <AgreementFields values={defaults} state={state} />
        <button type="submit" disabled={pending} className={primaryButton}>
          Create client
        </button>
      </form>
      <Feedback state={state} placed={PLACED} />
    </div>
  );
}

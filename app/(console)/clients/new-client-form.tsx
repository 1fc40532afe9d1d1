'use client';

import { useActionState, useId, useState, type FormEvent } from 'react';
import { AGREEMENT_FORM_FIELDS, agreementErrorsByField, type AgreementForm } from '@/lib/agreements/form';
import type { ActionState } from '@/lib/http/action';
import { createClientAction } from './actions';
import { AgreementFields } from './agreement-fields';
import { Feedback, Field, fieldClass, primaryButton, submitWith } from './form-kit';

/** createClientSchema's paths for the contact, by form field. */
const CONTACT_PATHS: Record<string, string> = { contacts: 'contactEmail', 'contacts.0': 'contactEmail', 'contacts.0.name': 'contactName', 'contacts.0.email': 'contactEmail' };
const PLACED = new Set<string>(['name', 'currency', 'contactName', 'contactEmail', ...AGREEMENT_FORM_FIELDS]);

type State = ActionState & { created: number };

/** SPEC 2: a new client is a prospect with its first agreement version (underwriters only). */
export function NewClientForm({ defaults }: { defaults: AgreementForm }) {
  const [state, dispatch, pending] = useActionState(
    async (prev: State, form: FormData): Promise<State> => {
      const next = await createClientAction(prev, form);
      // A new blank form after each client created; a refused one keeps what was typed.
      return { ...next, created: prev.created + (next.ok ? 1 : 0) };
    },
    { ok: false, message: '', created: 0 },
  );
  const errors: Record<string, string> = {};
  for (const [key, message] of Object.entries(agreementErrorsByField(state.errors))) {
    const field = CONTACT_PATHS[key] ?? key;
    if (!(field in errors)) errors[field] = message;
  }
  return (
    <div>
      <ClientFields key={state.created} defaults={defaults} errors={state.ok ? {} : errors} pending={pending} onSubmit={submitWith(dispatch)} />
      <Feedback state={{ ...state, errors }} placed={PLACED} />
    </div>
  );
}

function ClientFields({ defaults, errors, pending, onSubmit }: { defaults: AgreementForm; errors: Record<string, string>; pending: boolean; onSubmit: (e: FormEvent<HTMLFormElement>) => void }) {
  const id = useId();
  const [client, setClient] = useState({ name: '', currency: 'USD', contactName: '', contactEmail: '' });
  const input = (name: keyof typeof client, label: string, type: 'text' | 'email' = 'text', hint?: string) => (
    <Field id={`${id}-${name}`} label={label} hint={hint} error={errors[name]}>
      <input
        id={`${id}-${name}`}
        name={name}
        type={type}
        value={client[name]}
        onChange={(e) => setClient((c) => ({ ...c, [name]: e.target.value }))}
        aria-invalid={Boolean(errors[name])}
        aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
        className={fieldClass}
      />
    </Field>
  );
  return (
    <form onSubmit={onSubmit} aria-label="New client" className="space-y-4">
      <fieldset>
        <legend className="text-sm font-semibold text-slate-700">Client</legend>
        <div className="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {input('name', 'Client name')}
          {input('currency', 'Home currency', 'text', 'Three capital letters, e.g. USD')}
          {input('contactName', 'Contact name')}
          {input('contactEmail', 'Contact email', 'email')}
        </div>
      </fieldset>
      <AgreementFields values={defaults} errors={errors} />
      <button type="submit" disabled={pending} className={primaryButton}>
        Create client
      </button>
    </form>
  );
}

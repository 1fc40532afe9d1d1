'use client';

import { useActionState, useId } from 'react';
import { typedValue, type ActionState } from '@/lib/http/action-state';
import { NOTE_KINDS, NOTE_KIND_LABELS, NOTE_MAX_CHARACTERS, type NoteSubject } from '@/lib/notes/rules';
import { MONEY_HINT } from '@/lib/validation/fields';
import { Feedback, Field, fieldClass, primaryButton, submitWith } from '../clients/form-kit';
import { addNoteAction } from './actions';

type State = ActionState & { added: number };

const PLACED = new Set(['kind', 'text', 'followUpOn', 'followUpOwner', 'promisedOn', 'promisedAmount']);

export interface OwnerChoice {
  id: string;
  name: string;
  email: string;
}

/**
 * Adds a note to a client, debtor or invoice: its kind (the call log), the text, optionally a
 * follow-up (a date and an owner — the writer unless another is chosen) and, on an open invoice, a
 * promise to pay. A blank form after each note; a refused one keeps what was typed.
 */
export function NoteForm({
  subjectType,
  subjectId,
  subjectLabel,
  owners,
  me,
  promise,
  today,
}: {
  subjectType: NoteSubject;
  subjectId: string;
  /** "invoice INV-1001", for the form's name */
  subjectLabel: string;
  owners: OwnerChoice[];
  /** the signed-in person's user id (the owner when none is chosen) */
  me: string | null;
  /** an open invoice: a promise to pay may be recorded, in its currency */
  promise: { currency: string } | null;
  today: string;
}) {
  const id = useId();
  const [state, dispatch, pending] = useActionState(
    async (prev: State, form: FormData): Promise<State> => {
      const next = await addNoteAction(prev, form);
      return { ...next, added: prev.added + (next.ok ? 1 : 0) };
    },
    { ok: false, message: '', added: 0 },
  );
  const err = state.ok ? {} : (state.errors ?? {});
  const invalid = (name: string) => (err[name] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${name}-error` } : {});
  const others = owners.filter((o) => o.id !== me);
  return (
    <div>
      <form key={state.added} onSubmit={submitWith(dispatch)} aria-label={`Add a note to ${subjectLabel}`} className="grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="subjectType" value={subjectType} />
        <input type="hidden" name="subjectId" value={subjectId} />
        <Field id={`${id}-kind`} label="Kind" error={err.kind}>
          <select id={`${id}-kind`} name="kind" defaultValue={typedValue(state, 'kind', 'note')} className={fieldClass} {...invalid('kind')}>
            {NOTE_KINDS.map((k) => (
              <option key={k} value={k}>
                {NOTE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <div className="sm:col-span-2">
          <Field
            id={`${id}-text`}
            label="Note"
            hint="Who you spoke to and what was said. A note is kept as written: add another to correct it."
            error={err.text}
          >
            <textarea
              id={`${id}-text`}
              name="text"
              required
              rows={3}
              maxLength={NOTE_MAX_CHARACTERS}
              defaultValue={typedValue(state, 'text')}
              className={fieldClass}
              {...invalid('text')}
            />
          </Field>
        </div>
        <Field id={`${id}-followUpOn`} label="Follow-up date" hint="Optional: the day to come back to it" error={err.followUpOn}>
          <input
            id={`${id}-followUpOn`}
            name="followUpOn"
            type="date"
            min={today}
            defaultValue={typedValue(state, 'followUpOn')}
            className={fieldClass}
            {...invalid('followUpOn')}
          />
        </Field>
        <Field id={`${id}-followUpOwner`} label="Follow-up owner" error={err.followUpOwner}>
          <select
            id={`${id}-followUpOwner`}
            name="followUpOwner"
            defaultValue={typedValue(state, 'followUpOwner')}
            className={fieldClass}
            {...invalid('followUpOwner')}
          >
            <option value="">Me</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name ? `${o.name} (${o.email})` : o.email}
              </option>
            ))}
          </select>
        </Field>
        {promise ? (
          <>
            <Field id={`${id}-promisedOn`} label="Promised date" hint="Optional: the debtor's promise to pay by this date" error={err.promisedOn}>
              <input
                id={`${id}-promisedOn`}
                name="promisedOn"
                type="date"
                min={today}
                defaultValue={typedValue(state, 'promisedOn')}
                className={fieldClass}
                {...invalid('promisedOn')}
              />
            </Field>
            <Field id={`${id}-promisedAmount`} label="Promised amount" hint={`In ${promise.currency}. ${MONEY_HINT}`} error={err.promisedAmount}>
              <input
                id={`${id}-promisedAmount`}
                name="promisedAmount"
                inputMode="decimal"
                defaultValue={typedValue(state, 'promisedAmount')}
                className={fieldClass}
                {...invalid('promisedAmount')}
              />
            </Field>
          </>
        ) : null}
        <div className="flex items-end sm:col-span-2">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Adding…' : 'Add note'}
          </button>
        </div>
      </form>
      <Feedback state={state} placed={PLACED} />
    </div>
  );
}

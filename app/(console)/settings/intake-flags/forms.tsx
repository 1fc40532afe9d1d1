'use client';

import { useActionState } from 'react';
import { Feedback, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, typedChecked, type ActionState } from '@/lib/http/action-state';
import { FLAG_KINDS, FLAG_LABELS, FLAG_MEANINGS, type FlagKind } from '@/lib/intake/rules';
import { saveHoldingFlagsAction } from './actions';

const PLACED = new Set(['kinds']);

/** One checkbox per intake flag kind: checked, an open flag of that kind holds the invoice's funding. */
export function HoldingFlagsForm({ current, canEdit }: { current: FlagKind[]; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveHoldingFlagsAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Intake flags that hold funding">
      <fieldset>
        <legend className="text-sm font-medium">Hold funding until cleared</legend>
        <ul className="mt-2 space-y-3">
          {FLAG_KINDS.map((kind) => (
            <li key={kind}>
              <label className="flex items-start gap-2">
                <input
                  type="checkbox"
                  name="kinds"
                  value={kind}
                  className="mt-1"
                  defaultChecked={typedChecked(state, 'kinds', kind, current.includes(kind))}
                  disabled={!canEdit}
                  aria-describedby={`flag-meaning-${kind}`}
                />
                <span>
                  <span className="text-sm font-medium">{FLAG_LABELS[kind]}</span>
                  <span id={`flag-meaning-${kind}`} className="block text-sm text-slate-600">
                    {FLAG_MEANINGS[kind]}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {canEdit ? (
        <button type="submit" disabled={pending} className={`mt-4 ${primaryButton}`}>
          Save intake flags
        </button>
      ) : null}
      <div className="mt-3">
        <Feedback state={state} placed={PLACED} />
      </div>
    </form>
  );
}

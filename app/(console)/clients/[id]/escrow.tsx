'use client';

import { useActionState } from 'react';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { Feedback, TextInput, primaryButton, submitWith } from '../form-kit';
import { requestEscrowReleaseAction } from './escrow-actions';

const PLACED = new Set(['amount', 'asOf', 'reason']);

/** Issue 16 item 3: ask to release the escrow held in one currency (all of it unless an amount is given). */
export function EscrowReleaseForm({ clientId, currency, held, today }: { clientId: string; currency: string; held: string; today: string }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(requestEscrowReleaseAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label={`Release escrow ${currency}`} className="mt-3 grid gap-3 sm:grid-cols-4">
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="currency" value={currency} />
      <TextInput state={state} name="amount" label={`Amount to release (${currency})`} hint={`Empty: all ${held} held`} />
      <TextInput state={state} name="asOf" label="Release date" type="date" required fallback={today} />
      <TextInput state={state} name="reason" label="Reason" hint="e.g. relationship ended" />
      <div className="flex items-end">
        <button type="submit" disabled={pending} className={primaryButton}>
          {pending ? 'Asking…' : 'Ask to release escrow'}
        </button>
      </div>
      <div className="sm:col-span-4">
        <Feedback state={state} placed={PLACED} />
      </div>
    </form>
  );
}

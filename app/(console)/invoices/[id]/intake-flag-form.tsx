'use client';

import { useActionState } from 'react';
import { Feedback, TextInput, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { clearIntakeFlagAction } from '@/app/(console)/intake/actions';

const PLACED = new Set(['reason']);

/** Issue 16 item 5: clears one intake flag with a reason (once). */
export function ClearFlagForm({ flagId, invoiceId, label }: { flagId: string; invoiceId: string; label: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(clearIntakeFlagAction, initialActionState);
  return (
    <form onSubmit={submitWith(action)} aria-label={`Clear flag: ${label}`} className="mt-2 grid gap-2 sm:grid-cols-[1fr_auto] sm:items-end">
      <input type="hidden" name="flagId" value={flagId} />
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <TextInput state={state} name="reason" label="Reason for clearing" hint="What you checked, and with whom" required />
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? 'Clearing…' : 'Clear flag'}
      </button>
      <div className="sm:col-span-2">
        <Feedback state={state} placed={PLACED} />
      </div>
    </form>
  );
}

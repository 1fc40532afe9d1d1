'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Feedback, TextInput, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { setPasswordAction } from './actions';

const PLACED = new Set(['password', 'confirm']);

export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setPasswordAction, initialActionState);
  if (state.ok) {
    return (
      <div role="status" className="mt-4 text-sm">
        <p>{state.message}</p>
        <Link href="/signin" className="mt-3 inline-block rounded-md bg-brand-700 px-4 py-2 font-medium text-white">
          Go to sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={submitWith(action)} className="mt-4 space-y-3" aria-label="Choose your password">
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-600">For {email}</p>
      <TextInput
        state={state}
        name="password"
        id="new-password"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters"
      />
      <TextInput state={state} name="confirm" id="confirm-password" label="The same password again" type="password" autoComplete="new-password" required />
      <button type="submit" disabled={pending} className={`w-full ${primaryButton}`}>
        Set password
      </button>
      <Feedback state={state} placed={PLACED} />
    </form>
  );
}

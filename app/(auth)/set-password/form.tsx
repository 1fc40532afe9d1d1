'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import type { ActionState } from '@/lib/http/action';
import { setPasswordAction } from './actions';

const initial: ActionState = { ok: false, message: '' };
const input = 'mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm';

export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(setPasswordAction, initial);
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
  const err = state.errors ?? {};
  return (
    <form action={action} className="mt-4 space-y-3" aria-label="Choose your password">
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-600">For {email}</p>
      <div>
        <label htmlFor="new-password" className="text-sm font-medium">
          New password
        </label>
        <input id="new-password" name="password" type="password" autoComplete="new-password" required className={input} aria-invalid={Boolean(err.password)} />
        {err.password ? <p className="text-xs text-red-700">{err.password}</p> : null}
      </div>
      <div>
        <label htmlFor="confirm-password" className="text-sm font-medium">
          The same password again
        </label>
        <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" required className={input} aria-invalid={Boolean(err.confirm)} />
        {err.confirm ? <p className="text-xs text-red-700">{err.confirm}</p> : null}
      </div>
      <button type="submit" disabled={pending} className="w-full rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60">
        Set password
      </button>
      {state.message ? (
        <p role="alert" className="text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentActor } from '@/lib/auth/session';
import { homeFor, isSystem } from '@/lib/auth/permissions';
import { SIGN_IN_UNAVAILABLE } from '@/lib/auth/sign-in';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  // With the database down, a visitor still holding a cookie gets the page and a plain
  // sentence, never the error (its details go to the server log only).
  const actor = await currentActor().catch((error: unknown) => {
    console.error('[sign-in] unavailable:', error);
    return 'unavailable' as const;
  });
  if (actor && actor !== 'unavailable' && !isSystem(actor)) redirect(homeFor(actor));
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <p className="text-center text-2xl font-semibold text-brand-700">Holdback</p>
        <p className="mt-1 text-center text-sm text-slate-500">Reserve &amp; escrow management</p>
        <div className="mt-8 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold">Sign in</h1>
          {actor === 'unavailable' ? (
            <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {SIGN_IN_UNAVAILABLE}
            </p>
          ) : null}
          <SignInForm />
        </div>
      </div>
    </main>
  );
}

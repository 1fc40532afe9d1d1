import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentActor } from '@/lib/auth/session';
import { homeFor } from '@/lib/auth/roles';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  const actor = await currentActor();
  if (actor && actor.role !== 'system') redirect(homeFor(actor.role));
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <p className="text-center text-2xl font-semibold text-brand-700">Holdback</p>
        <p className="mt-1 text-center text-sm text-slate-500">Reserve &amp; escrow management</p>
        <div className="mt-8 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold">Sign in</h1>
          <SignInForm />
        </div>
      </div>
    </main>
  );
}

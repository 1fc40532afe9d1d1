import type { Metadata } from 'next';
import { getDatabase } from '@/db/client';
import { DomainError } from '@/lib/errors';
import { readInvite } from '@/lib/users/invite';
import { SetPasswordForm } from './form';

export const metadata: Metadata = { title: 'Choose your password' };
export const dynamic = 'force-dynamic';

/** Where an invitation link lands: choose the first password (the link works once). */
export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = '' } = await searchParams;
  const user = await readInvite(getDatabase(), token).catch((error: unknown) => {
    if (error instanceof DomainError) return { error: error.message };
    throw error;
  });
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <p className="text-center text-2xl font-semibold text-brand-700">Holdback</p>
        <div className="mt-8 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold">Choose your password</h1>
          {'error' in user ? (
            <p role="alert" className="mt-4 text-sm text-red-800">
              {user.error}
            </p>
          ) : (
            <SetPasswordForm token={token} email={user.email} />
          )}
        </div>
      </div>
    </main>
  );
}

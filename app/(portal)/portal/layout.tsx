import { redirect } from 'next/navigation';
import { DemoBanner } from '@/app/_components/demo-banner';
import { SignOutButton } from '@/app/_components/sign-out-button';
import { currentActor } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

/** The client portal: client users only, each strictly inside its own client. */
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (!actor || actor.role === 'system') redirect('/signin');
  if (actor.role !== 'client') redirect('/dashboard');
  return (
    <div className="min-h-screen">
      <DemoBanner hint="This portal shows demonstration data." />
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-6 py-3">
        <p className="text-lg font-semibold text-brand-700">Holdback · Client portal</p>
        <div className="flex items-center gap-4">
          <p className="text-sm text-slate-600">{actor.label}</p>
          <SignOutButton />
        </div>
      </header>
      <main className="mx-auto max-w-5xl p-6">{children}</main>
    </div>
  );
}

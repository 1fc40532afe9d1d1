import { redirect } from 'next/navigation';
import { DemoBanner } from '@/app/_components/demo-banner';
import { SignOutButton } from '@/app/_components/sign-out-button';
import { isClientUser } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

/** The client portal: client users only, each strictly inside its own client. */
export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!isClientUser(actor)) redirect('/dashboard');
  return (
    <div className="min-h-screen">
      <DemoBanner hint="This portal shows demonstration data." />
      <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-3 md:px-6">
        <p className="text-lg font-semibold text-brand-700">Holdback · Client portal</p>
        <div className="flex min-w-0 flex-wrap items-center gap-x-4 gap-y-2">
          <p className="min-w-0 text-sm break-words text-slate-600">{actor.label}</p>
          <SignOutButton />
        </div>
      </header>
      <main className="mx-auto max-w-5xl p-4 md:p-6">{children}</main>
    </div>
  );
}

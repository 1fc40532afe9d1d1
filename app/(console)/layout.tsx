import { redirect } from 'next/navigation';
import { ConsoleNav } from '@/app/_components/console-nav';
import { DemoBanner } from '@/app/_components/demo-banner';
import { HeaderSearch } from '@/app/_components/header-search';
import { SignOutButton } from '@/app/_components/sign-out-button';
import { canOpen, isClientUser, isStaff } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { NAVIGATION, ROLE_LABELS } from '@/lib/auth/roles';

export const dynamic = 'force-dynamic';

/** The staff console shell: navigation of SPEC 8, filtered to the sections the actor may open. */
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (isClientUser(actor)) redirect('/portal');
  if (!isStaff(actor)) redirect('/signin');
  return (
    <div className="min-h-screen md:flex">
      <ConsoleNav items={NAVIGATION.filter((item) => canOpen(actor, item.section)).map(({ href, label }) => ({ href, label }))} />
      {/* min-w-0: a wide table scrolls inside its own box instead of widening the page */}
      <div className="min-w-0 flex-1">
        <DemoBanner hint="Disable the demo users (Settings → Users) before this instance holds real data." />
        <header className="flex flex-wrap items-center justify-end gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-3 md:px-6">
          <HeaderSearch />
          <p className="min-w-0 text-sm break-words text-slate-600">
            <span className="font-medium text-slate-900">{actor.label}</span> · {ROLE_LABELS[actor.role]}
          </p>
          <SignOutButton />
        </header>
        <main className="p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}

import { redirect } from 'next/navigation';
import { DemoBanner } from '@/app/_components/demo-banner';
import { NavLink } from '@/app/_components/nav-link';
import { SignOutButton } from '@/app/_components/sign-out-button';
import { currentActor } from '@/lib/auth/session';
import { NAVIGATION, ROLE_LABELS, canOpen } from '@/lib/auth/roles';

export const dynamic = 'force-dynamic';

/** The staff console shell: navigation of SPEC 8, filtered to what the role may open. */
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (!actor || actor.role === 'system') redirect('/signin');
  if (actor.role === 'client') redirect('/portal');
  const role = actor.role;
  return (
    <div className="flex min-h-screen">
      <aside className="w-56 shrink-0 border-r border-slate-200 bg-white">
        <div className="px-4 py-5">
          <p className="text-lg font-semibold text-brand-700">Holdback</p>
          <p className="text-xs text-slate-500">Reserve management</p>
        </div>
        <nav aria-label="Main" className="space-y-1 px-2">
          {NAVIGATION.filter((item) => canOpen(role, item.section)).map((item) => (
            <NavLink key={item.href} href={item.href} label={item.label} />
          ))}
        </nav>
      </aside>
      <div className="flex-1">
        <DemoBanner hint="Disable the demo users (Settings → Users) before this instance holds real data." />
        <header className="flex items-center justify-end gap-4 border-b border-slate-200 bg-white px-6 py-3">
          <p className="text-sm text-slate-600">
            <span className="font-medium text-slate-900">{actor.label}</span> · {ROLE_LABELS[role]}
          </p>
          <SignOutButton />
        </header>
        <main className="p-6">{children}</main>
      </div>
    </div>
  );
}

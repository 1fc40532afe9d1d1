'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { NavLink } from './nav-link';

/**
 * The console's navigation: a sidebar from the `md` breakpoint up; on a phone a bar with a Menu
 * button that opens and closes the list (closed again after each navigation), so the page keeps
 * the whole width of the screen.
 */
export function ConsoleNav({ items }: { items: readonly { href: string; label: string }[] }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);
  return (
    <aside className="border-b border-slate-200 bg-white md:w-56 md:shrink-0 md:border-b-0 md:border-r">
      <div className="flex items-center justify-between gap-4 px-4 py-3 md:py-5">
        <div>
          <p className="text-lg font-semibold text-brand-700">Holdback</p>
          <p className="text-xs text-slate-500">Reserve management</p>
        </div>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="main-navigation"
          onClick={() => setOpen((o) => !o)}
          className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 md:hidden"
        >
          {open ? 'Close menu' : 'Menu'}
        </button>
      </div>
      <nav id="main-navigation" aria-label="Main" className={`${open ? 'block' : 'hidden'} space-y-1 px-2 pb-3 md:block`}>
        {items.map((item) => (
          <NavLink key={item.href} href={item.href} label={item.label} />
        ))}
      </nav>
    </aside>
  );
}

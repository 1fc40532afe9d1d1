import Link from 'next/link';

/** Collections' sections: the inbox and the other tabs of /collections, every payment at /collections/payments, and the cash receipts journal (issue 15). */
export const COLLECTIONS_TABS = [
  { key: 'inbox', label: 'Inbox', href: '/collections' },
  { key: 'payments', label: 'All payments', href: '/collections/payments' },
  { key: 'cash-receipts', label: 'Cash receipts', href: '/collections/cash-receipts' },
  { key: 'disputes', label: 'Disputes', href: '/collections?tab=disputes' },
  { key: 'aging', label: 'Aging', href: '/collections?tab=aging' },
  { key: 'misdirected', label: 'Misdirected payments', href: '/collections?tab=misdirected' },
  { key: 'recourse', label: 'Charge back / write off', href: '/collections?tab=recourse' },
] as const;

export function CollectionsNav({ current }: { current: string }) {
  return (
    <nav aria-label="Collections sections" className="mt-4 flex flex-wrap gap-2 text-sm">
      {COLLECTIONS_TABS.map((t) => (
        <Link
          key={t.key}
          href={t.href}
          aria-current={current === t.key ? 'page' : undefined}
          className={`rounded-full border px-3 py-1 ${current === t.key ? 'border-brand-700 bg-brand-50 text-brand-800' : 'border-slate-300'}`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

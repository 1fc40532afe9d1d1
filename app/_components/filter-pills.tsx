import Link from 'next/link';

/** A row of links that filter a list; the current one is marked for people and screen readers. */
export function FilterPills({
  label,
  current,
  options,
  className = 'mt-6',
}: {
  label: string;
  current: string;
  options: { value: string; label: string; href: string }[];
  className?: string;
}) {
  return (
    <nav aria-label={label} className={`${className} flex flex-wrap gap-2 text-sm`}>
      {options.map((o) => (
        <Link
          key={o.value}
          href={o.href}
          aria-current={current === o.value ? 'true' : undefined}
          className={`rounded-full border px-3 py-1 ${current === o.value ? 'border-brand-700 bg-brand-50 text-brand-800' : 'border-slate-300'}`}
        >
          {o.label}
        </Link>
      ))}
    </nav>
  );
}

import Link from 'next/link';
import { listHref, type Query } from './list-href';

/**
 * A filter that arrived by a link (a debtor's payments, a client's releases: `?debtorId=12`): kept
 * in the filter form as a hidden field and shown by name, with a link that drops it. People filter
 * by typing a name; ids travel in links and the API.
 */
export function KeptFilter({ name, label, shown, path, query }: { name: string; label: string; shown: string; path: string; query: Query }) {
  const value = query[name];
  if (!value) return null;
  return (
    <div className="text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <p className="mt-1 flex flex-wrap items-center gap-2">
        <span className="rounded-full border border-brand-700 bg-brand-50 px-3 py-1 text-brand-800">{shown}</span>
        <Link href={listHref(path, query, { [name]: null })} className="text-brand-700 underline">
          Remove
        </Link>
      </p>
      <input type="hidden" name={name} value={value} />
    </div>
  );
}

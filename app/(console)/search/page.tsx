import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden, redirect } from 'next/navigation';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import {
  MAX_QUERY,
  MIN_QUERY,
  SEARCH_TYPES,
  SEARCH_TYPE_LABELS,
  normaliseQuery,
  search,
  searchableTypes,
  type SearchItem,
  type SearchType,
} from '@/lib/search';

export const metadata: Metadata = { title: 'Search' };
export const dynamic = 'force-dynamic';

/** Results of one kind on the page (all kinds), and when one kind is asked for. */
const PER_KIND = 10;
const ONE_KIND = 50;

/**
 * The header search's results (issue 13, item 3), server-rendered from the URL (`/search?q=&type=`),
 * so it works before hydration: grouped by kind, best matches first, each result a link to its page.
 */
export default async function SearchPage({ searchParams }: { searchParams: Promise<{ q?: string | string[]; type?: string | string[] }> }) {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!can(actor, 'staff.read')) forbidden();
  const params = await searchParams;
  const q = (Array.isArray(params.q) ? params.q[0] : params.q) ?? '';
  const asked = Array.isArray(params.type) ? params.type[0] : params.type;
  const allowed = searchableTypes(actor);
  const only = SEARCH_TYPES.find((t) => t === asked && allowed.includes(t));
  const query = normaliseQuery(q);
  const items = query
    ? (
        await search(getDatabase(), actor, query.text, {
          types: only ? [only] : allowed,
          perType: only ? ONE_KIND : PER_KIND,
          limit: only ? ONE_KIND : PER_KIND * allowed.length,
        })
      ).items
    : [];
  const groups = (only ? [only] : allowed).map((type) => ({ type, items: items.filter((i) => i.type === type) }));
  const found = items.length;
  return (
    <div>
      <PageHeader
        title="Search"
        subtitle={
          query
            ? `${found === 0 ? 'Nothing found' : `${found} result${found === 1 ? '' : 's'}`} for “${query.text}”${only ? ` among ${SEARCH_TYPE_LABELS[only].toLowerCase()}` : ''}`
            : 'Invoices by number, payments by reference or payer, clients and debtors by name'
        }
      />
      <form action="/search" method="get" role="search" aria-label="Search again" className="mt-4 flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1 sm:max-w-md">
          <label htmlFor="search-page-q" className="text-sm font-medium">
            Search for
          </label>
          <input
            id="search-page-q"
            name="q"
            defaultValue={q}
            minLength={MIN_QUERY}
            maxLength={MAX_QUERY}
            required
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </div>
        <div>
          <label htmlFor="search-page-type" className="text-sm font-medium">
            Among
          </label>
          <select id="search-page-type" name="type" defaultValue={only ?? ''} className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm">
            <option value="">everything</option>
            {allowed.map((t) => (
              <option key={t} value={t}>
                {SEARCH_TYPE_LABELS[t].toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white">
          Search
        </button>
      </form>
      {q.trim() !== '' && !query ? (
        <p role="alert" className="mt-4 text-sm text-red-800">
          Type at least {MIN_QUERY} characters to search.
        </p>
      ) : null}
      {query ? groups.map((g) => <ResultGroup key={g.type} type={g.type} items={g.items} q={query.text} more={!only && g.items.length >= PER_KIND} />) : null}
    </div>
  );
}

function ResultGroup({ type, items, q, more }: { type: SearchType; items: SearchItem[]; q: string; more: boolean }) {
  const heading = `search-${type}`;
  return (
    <section aria-labelledby={heading} className="mt-6 rounded-lg border border-slate-200 bg-white">
      <h2 id={heading} className="border-b border-slate-200 px-4 py-3 font-semibold">
        {SEARCH_TYPE_LABELS[type]}{' '}
        <span className="text-sm font-normal text-slate-500">({items.length === 0 ? 'none' : `${items.length}${more ? '+' : ''}`})</span>
      </h2>
      {items.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-500">No {SEARCH_TYPE_LABELS[type].toLowerCase()} match.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {items.map((item) => (
            <li key={item.id} className="px-4 py-2">
              <Link href={item.url} className="font-medium text-brand-700 underline wrap-anywhere">
                {item.label}
              </Link>
              <p className="text-sm text-slate-600 wrap-anywhere">{item.detail}</p>
            </li>
          ))}
        </ul>
      )}
      {more ? (
        <p className="border-t border-slate-100 px-4 py-2 text-sm">
          <Link href={`/search?q=${encodeURIComponent(q)}&type=${type}`} className="text-brand-700 underline">
            More {SEARCH_TYPE_LABELS[type].toLowerCase()} matching “{q}”
          </Link>
        </p>
      ) : null}
    </section>
  );
}

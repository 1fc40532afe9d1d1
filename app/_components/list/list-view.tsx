import Link from 'next/link';
import type { ReactNode } from 'react';
import type { ListPage } from '@/lib/lists/keyset';
import { listHref, type Query } from './list-href';
import { rowsAsHtml } from './static-html';

/**
 * Issue 13: every console list. Server-rendered and URL-driven (sorting, paging, filters and the
 * CSV export are plain links and a GET form), so it works before React hydrates, in a new tab and
 * from a bookmark. Pair it with a lib/lists ListDefinition and `keysetPage`.
 */
export interface ListColumn<T> {
  header: string;
  /** the ListDefinition's sort key: the header becomes a link that sorts by it */
  sort?: string;
  value: (row: T) => string;
  render?: (row: T) => ReactNode;
  align?: 'left' | 'right';
}

const count = new Intl.NumberFormat('en-US');

/** "Showing 51–100 of about 1,012,300" */
export function showingText(page: Pick<ListPage<unknown>, 'start' | 'items' | 'total' | 'totalApproximate'>, noun: string): string {
  if (page.items.length === 0) return `No ${noun}`;
  const end = page.start + page.items.length - 1;
  return `Showing ${count.format(page.start)}–${count.format(end)} of ${page.totalApproximate ? 'about ' : ''}${count.format(page.total)} ${noun}`;
}

export function ListView<T>({
  caption,
  path,
  query,
  page,
  columns,
  rowKey,
  noun,
  csvHref,
  empty = 'Nothing matches these filters.',
}: {
  caption: string;
  /** the page's own path, e.g. /invoices */
  path: string;
  /** the current URL's query (filters, sort, order, cursor) */
  query: Query;
  page: ListPage<T>;
  columns: ListColumn<T>[];
  rowKey: (row: T) => string;
  /** plural words for the rows: "invoices" */
  noun: string;
  /** the whole filtered set as CSV (an API list with ?format=csv and the same filters) */
  csvHref?: string;
  empty?: string;
}) {
  const showing = showingText(page, noun);
  const rowsHtml = rowsAsHtml(page.items, columns);
  return (
    <section className="mt-6 overflow-hidden rounded-lg border border-slate-200 bg-white" aria-label={caption}>
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
        <div>
          <h2 className="font-semibold">{caption}</h2>
          <p className="text-sm text-slate-600" data-testid="list-showing" aria-live="polite">
            {showing}
          </p>
        </div>
        {csvHref ? (
          <a href={csvHref} className="text-sm text-brand-700 underline" download>
            Export CSV ({page.totalApproximate ? 'about ' : ''}
            {count.format(page.total)} rows)
          </a>
        ) : null}
      </div>
      {page.items.length === 0 ? (
        <p className="px-4 py-6 text-sm text-slate-500">{empty}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">
              {caption}. {showing}
            </caption>
            <thead className="bg-slate-50 text-left text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                {columns.map((c) => {
                  const active = c.sort !== undefined && c.sort === page.sort;
                  const next = active && page.order === 'asc' ? 'desc' : 'asc';
                  return (
                    <th
                      key={c.header}
                      scope="col"
                      aria-sort={active ? (page.order === 'asc' ? 'ascending' : 'descending') : undefined}
                      className={`px-4 py-2 font-medium whitespace-nowrap ${c.align === 'right' ? 'text-right' : ''}`}
                    >
                      {c.sort ? (
                        <Link
                          href={listHref(path, query, { sort: c.sort, order: next, cursor: null })}
                          className={`hover:underline ${active ? 'text-slate-900' : ''}`}
                          title={`Sort by ${c.header.toLowerCase()}`}
                        >
                          {c.header}
                          <span aria-hidden="true">{active ? (page.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                        </Link>
                      ) : (
                        c.header
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            {rowsHtml !== null ? (
              <tbody className="rows divide-y divide-slate-100" dangerouslySetInnerHTML={{ __html: rowsHtml }} />
            ) : (
              <tbody className="rows divide-y divide-slate-100">
                {page.items.map((r) => (
                  <tr key={rowKey(r)}>
                    {columns.map((c) => (
                      <td key={c.header} className={c.align === 'right' ? 'cell-n' : 'cell'}>
                        {c.render ? c.render(r) : c.value(r)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            )}
          </table>
        </div>
      )}
      <Pager path={path} query={query} page={page} />
    </section>
  );
}

/** The page sizes a list offers ("Rows: 25 · 50 · 100"), when it has more rows than the smallest. */
const PAGE_SIZES = [25, 50, 100];

export function Pager({ path, query, page }: { path: string; query: Query; page: ListPage<unknown> }) {
  // a list shown shorter by default (a detail page's section: DETAIL_LIMIT) offers its own size first
  const offered = PAGE_SIZES.includes(page.limit) ? PAGE_SIZES : [page.limit, ...PAGE_SIZES].sort((a, b) => a - b);
  const sizes = page.total > offered[0]! ? offered : [];
  if (!page.nextCursor && !page.prevCursor && page.start <= 1 && sizes.length === 0) return null;
  const link = 'rounded-md border border-slate-300 px-3 py-1';
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center gap-2 border-t border-slate-200 px-4 py-3 text-sm">
      {page.start > 1 ? (
        <Link href={listHref(path, query, { cursor: null })} className={link}>
          First page
        </Link>
      ) : null}
      {page.prevCursor ? (
        <Link href={listHref(path, query, { cursor: page.prevCursor })} className={link} rel="prev">
          ← Previous
        </Link>
      ) : null}
      {page.nextCursor ? (
        <Link href={listHref(path, query, { cursor: page.nextCursor })} className={link} rel="next">
          Next →
        </Link>
      ) : null}
      {sizes.length > 0 ? (
        <span role="group" className="ml-auto flex items-center gap-2 text-slate-600" aria-label="Rows per page">
          Rows:
          {sizes.map((n) =>
            n === page.limit ? (
              <span key={n} aria-current="true" className="font-medium text-slate-900">
                {n}
              </span>
            ) : (
              <Link key={n} href={listHref(path, query, { limit: String(n), cursor: null })} className="text-brand-700 underline">
                {n}
              </Link>
            ),
          )}
        </span>
      ) : null}
    </nav>
  );
}

/**
 * The filters of a list: a GET form (so they land in the URL and work before hydration) with the
 * list's fields as children, Apply and Clear. The sort and page size are kept; the page starts
 * again from the first.
 */
export function ListFilters({
  path,
  query,
  children,
  error,
  label = 'Filters',
}: {
  path: string;
  query: Query;
  children: ReactNode;
  /** the filters' problem in plain words (a date written wrongly), shown above the form */
  error?: string | null;
  label?: string;
}) {
  return (
    <form method="get" action={path} aria-label={label} className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
      {error ? (
        <p role="alert" className="mb-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">{children}</div>
      {query.sort ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.order ? <input type="hidden" name="order" value={query.order} /> : null}
      {query.limit ? <input type="hidden" name="limit" value={query.limit} /> : null}
      <div className="mt-3 flex gap-3">
        <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white">
          Apply filters
        </button>
        <Link href={path} className="px-2 py-2 text-sm text-brand-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}

const fieldClass = 'mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm';

/** A text, number or date filter field, labelled, holding the URL's value. */
export function FilterInput({
  name,
  label,
  query,
  type = 'text',
  placeholder,
  inputMode,
}: {
  name: string;
  label: string;
  query: Query;
  type?: 'text' | 'date' | 'search';
  placeholder?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input name={name} type={type} defaultValue={query[name] ?? ''} placeholder={placeholder} inputMode={inputMode} className={fieldClass} />
    </label>
  );
}

/** A choice filter: "Any" plus the options, holding the URL's value. */
export function FilterSelect({
  name,
  label,
  query,
  options,
  anyLabel = 'Any',
}: {
  name: string;
  label: string;
  query: Query;
  options: { value: string; label: string }[];
  anyLabel?: string;
}) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <select name={name} defaultValue={query[name] ?? ''} className={fieldClass}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

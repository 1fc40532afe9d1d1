/** A list page's query as Next passes `searchParams`, flattened to one value per key. */
export type Query = Record<string, string>;

/** Next's `searchParams` (after awaiting) as a Query: the first value of a repeated key. */
export function toQuery(params: Record<string, string | string[] | undefined>): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(params)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && first !== '') out[k] = first;
  }
  return out;
}

/**
 * The list's URL with some parameters changed (null removes one). Any change but the cursor
 * itself starts again from the first page, since a cursor belongs to one sort and filter.
 */
export function listHref(path: string, query: Query, changes: Record<string, string | null>): string {
  const next = new URLSearchParams();
  const changesCursor = Object.hasOwn(changes, 'cursor');
  const onlyCursor = Object.keys(changes).every((k) => k === 'cursor');
  for (const [k, v] of Object.entries(query)) {
    if (Object.hasOwn(changes, k)) continue;
    if (k === 'cursor' && (changesCursor || !onlyCursor)) continue;
    next.set(k, v);
  }
  for (const [k, v] of Object.entries(changes)) if (v !== null && v !== '') next.set(k, v);
  const s = next.toString();
  return s ? `${path}?${s}` : path;
}

/** The same filters on another URL (a list's `?format=csv` API export), without paging. */
export function withQuery(target: string, query: Query, extra: Record<string, string> = {}): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'cursor' && k !== 'limit') next.set(k, v);
  for (const [k, v] of Object.entries(extra)) next.set(k, v);
  const s = next.toString();
  return s ? `${target}${target.includes('?') ? '&' : '?'}${s}` : target;
}

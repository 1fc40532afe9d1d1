import { z } from 'zod';
import { invalidInput } from '../validation';
import { choice, optional, text, wholeNumber } from '../validation/fields';

/**
 * Search, the pure half (issue 13, item 3): what a typed query means, the query-string schema
 * of `GET /api/v1/search`, and how hits of the four kinds are ranked into one list. The SQL half
 * is ./index.ts.
 */

export const SEARCH_TYPES = ['invoice', 'payment', 'client', 'debtor'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** How each kind is said to a person (the results page's headings). */
export const SEARCH_TYPE_LABELS: Record<SearchType, string> = { invoice: 'Invoices', payment: 'Payments', client: 'Clients', debtor: 'Debtors' };

export const MIN_QUERY = 2;
export const MAX_QUERY = 100;
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 50;

/**
 * How well a hit matches, best first: the whole text exactly (any case), the start of it, a part
 * of it (3 characters or more), or a near miss by trigram similarity (a typo).
 */
export const TIERS = { exact: 0, prefix: 1, contains: 2, similar: 3 } as const;
export type Tier = (typeof TIERS)[keyof typeof TIERS];

export interface SearchItem {
  type: SearchType;
  id: string;
  label: string;
  detail: string;
  url: string;
}

/** A hit before ranking: its tier and, within the tier, its trigram similarity (0–1). */
export interface RankedItem extends SearchItem {
  tier: Tier;
  score: number;
}

/** A query as the SQL reads it. */
export interface NormalisedQuery {
  /** what was typed: trimmed, white space one space, at most MAX_QUERY characters */
  text: string;
  /**
   * Its letters and digits, upper-cased ("nw-10" → "NW10"): what search_key() makes of a column
   * (db/migrations/0017_search.sql; the SQL compares search_key(col) with search_key(text), so
   * this copy only decides which tiers run). Never holds a LIKE wildcard.
   */
  key: string;
  /**
   * Whether the "contains" and "similar" tiers run: a trigram index needs three letters or digits
   * to find anything without reading all of itself, so shorter keys match exact and prefix only.
   */
  trigrams: boolean;
}

/** search_key() in JavaScript: letters and digits, upper-cased, nothing else. */
export function searchKey(value: string): string {
  return value.replace(/[^\p{L}\p{N}]+/gu, '').toUpperCase();
}

/**
 * What a typed query means: trimmed, runs of white space one space, at most MAX_QUERY characters.
 * Null when fewer than MIN_QUERY characters are left, or fewer than MIN_QUERY letters and digits
 * (punctuation alone names nothing).
 */
export function normaliseQuery(raw: string): NormalisedQuery | null {
  const text = [...raw.normalize('NFC').trim().replace(/\s+/g, ' ')].slice(0, MAX_QUERY).join('').trim();
  if ([...text].length < MIN_QUERY) return null;
  const key = searchKey(text);
  const length = [...key].length;
  if (length < MIN_QUERY) return null;
  return { text, key, trigrams: length >= 3 };
}

/**
 * `GET /api/v1/search?q=&limit=&type=`: q of 2 to 100 characters (a 400 naming `q` otherwise),
 * limit 1–50 (default 10), type one of the four kinds (default all). Labels are the words a 400 says.
 */
export const searchParamsSchema = z.object({
  q: text('Search text (q)', { min: MIN_QUERY, max: MAX_QUERY }),
  limit: optional(wholeNumber('limit', { min: 1, max: MAX_LIMIT })),
  type: optional(choice('type', SEARCH_TYPES)),
});

export interface SearchParams {
  q: string;
  limit: number;
  types: SearchType[];
}

/** The query string of a search request, or a 400 whose details name each bad parameter. */
export function parseSearchParams(params: URLSearchParams): SearchParams {
  const raw: Record<string, string> = {};
  for (const key of ['q', 'limit', 'type'] as const) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  const parsed = searchParamsSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput(parsed.error);
  return { q: parsed.data.q, limit: parsed.data.limit ?? DEFAULT_LIMIT, types: parsed.data.type ? [parsed.data.type] : [...SEARCH_TYPES] };
}

/**
 * One list, best first: by tier (exact, prefix, contains, similar), then similarity, then the
 * order each kind's query gave (stable), so an exact client name comes before an invoice that
 * only contains the text. `limit` cuts the list.
 */
export function rankItems(groups: RankedItem[][], limit: number): RankedItem[] {
  const all = groups.flatMap((g, gi) => g.map((item, i) => ({ item, gi, i })));
  all.sort((a, b) => a.item.tier - b.item.tier || b.item.score - a.item.score || a.gi - b.gi || a.i - b.i);
  const seen = new Set<string>();
  const out: RankedItem[] = [];
  for (const { item } of all) {
    const key = `${item.type}:${item.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

/** A long text (a remittance reference) cut for a one-line detail. */
export function shorten(value: string, max = 60): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return [...flat].length <= max ? flat : `${[...flat].slice(0, max - 1).join('')}…`;
}

/** Parts of a detail line joined as people read them ("Northwind · Acme · 12,500.00 USD · funded"), empty ones left out. */
export function detailOf(parts: (string | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').join(' · ');
}

/** A status as a word ("charged_back" → "charged back"). */
export function statusWords(status: string): string {
  return status.replace(/_/g, ' ');
}

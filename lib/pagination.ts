import { DomainError } from './errors';

/** API.md: `?limit=` (default 50, max 500) and an opaque `?cursor=`. */
export interface Page {
  limit: number;
  /** the last id of the previous page */
  after: number | null;
}

/** `?limit=`: default 50, a whole number from 1 to 500 (400 naming the field otherwise). */
export function parseLimit(url: URL): number {
  const rawLimit = url.searchParams.get('limit');
  if (rawLimit === null) return 50;
  if (!/^\d{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 500) {
    throw new DomainError('invalid_input', 'limit must be a whole number from 1 to 500', { status: 400, details: { limit: 'from 1 to 500' } });
  }
  return Number(rawLimit);
}

export function parsePage(url: URL): Page {
  const limit = parseLimit(url);
  const cursor = url.searchParams.get('cursor');
  let after: number | null = null;
  if (cursor) {
    try {
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
      if (typeof decoded.after !== 'number' || !Number.isSafeInteger(decoded.after)) throw new Error('bad');
      after = decoded.after;
    } catch {
      throw new DomainError('invalid_input', 'cursor is not one this API gave out', { status: 400, details: { cursor: 'unknown cursor' } });
    }
  }
  return { limit, after };
}

/** Fetch limit + 1 rows; this trims the extra one and makes the next cursor from the last id. */
export function pageOf<T>(rows: T[], page: Page, idOf: (row: T) => number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > page.limit && last !== undefined ? Buffer.from(JSON.stringify({ after: idOf(last) })).toString('base64url') : null;
  return { items, nextCursor };
}

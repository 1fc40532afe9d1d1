import { DomainError } from '../errors';

/**
 * How much a caller may send (issue 11). One place for the web server (scripts/web.ts, which
 * answers 413 before Next reads a byte), the API routes (lib/http/api.ts, the same limits when
 * run under `next dev` or in tests) and the importers (the row cap). Sizes are bytes; the
 * environment may write them as bytes or with a kb/mb suffix.
 */

export const KB = 1024;
export const MB = 1024 * 1024;

/** The imports whose body is a file (bank statements, schedules of accounts). */
export const IMPORT_PATHS: readonly string[] = ['/api/v1/payments/import', '/api/v1/invoices/import'];

/** Issue 15 item 2: a document's upload, whose body is the file itself (PDF, PNG, JPEG). */
export const DOCUMENT_UPLOAD_PATH = '/api/v1/documents';

export function parseSize(value: string | undefined, fallback: number): number {
  const m = /^\s*(\d{1,12})\s*(b|kb|mb|gb)?\s*$/i.exec(value ?? '');
  if (!m) return fallback;
  const unit = (m[2] ?? 'b').toLowerCase();
  const n = Number(m[1]) * (unit === 'gb' ? 1024 * MB : unit === 'mb' ? MB : unit === 'kb' ? KB : 1);
  return n > 0 ? n : fallback;
}

export interface BodyLimits {
  /** JSON API requests and any other body (`MAX_JSON_BODY`, 1 MB) */
  json: number;
  /** POST /payments/import and /invoices/import (`MAX_IMPORT_BODY`, 20 MB) */
  import: number;
  /** server actions: the console's forms and uploads (`MAX_ACTION_BODY`, 20 MB, as next.config.mjs) */
  action: number;
  /** POST /api/v1/documents: one document (`DOCUMENTS_MAX_BYTES`, 10 MB; lib/documents/store.ts cuts at the same size) */
  document: number;
}

export function bodyLimits(env: Record<string, string | undefined> = process.env): BodyLimits {
  return {
    json: parseSize(env.MAX_JSON_BODY, 1 * MB),
    import: parseSize(env.MAX_IMPORT_BODY, 20 * MB),
    action: parseSize(env.MAX_ACTION_BODY, 20 * MB),
    document: parseSize(env.DOCUMENTS_MAX_BYTES, 10 * MB),
  };
}

/** The most lines (CSV, BAI2) or entries (camt.053) an imported file may have (`IMPORT_MAX_ROWS`, 100,000). */
export function importRowLimit(env: Record<string, string | undefined> = process.env): number {
  const v = env.IMPORT_MAX_ROWS?.trim();
  return v && /^[1-9]\d{0,8}$/.test(v) ? Number(v) : 100_000;
}

export type BodyKind = keyof BodyLimits;

/**
 * Which limit a request's body falls under. A server action is a POST outside /api with a
 * `next-action` header, or a form post (a form submitted before the page's JavaScript ran).
 */
export function bodyKindOf(method: string, pathname: string, headers: { get(name: string): string | null }): BodyKind {
  if (method === 'POST' && IMPORT_PATHS.includes(pathname.replace(/\/+$/, ''))) return 'import';
  if (method === 'POST' && pathname.replace(/\/+$/, '') === DOCUMENT_UPLOAD_PATH) return 'document';
  if (isServerActionRequest(method, pathname, headers)) return 'action';
  return 'json';
}

export function isServerActionRequest(method: string, pathname: string, headers: { get(name: string): string | null }): boolean {
  if (method !== 'POST' || pathname.startsWith('/api/') || pathname.startsWith('/_next/')) return false;
  if (headers.get('next-action')) return true;
  const type = (headers.get('content-type') ?? '').toLowerCase();
  return type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded');
}

export function humanSize(bytes: number): string {
  if (bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes % KB === 0) return `${bytes / KB} KB`;
  return `${bytes} bytes`;
}

export function payloadTooLarge(limit: number): DomainError {
  return new DomainError('payload_too_large', `The request body is larger than ${humanSize(limit)}; nothing was read or changed`, {
    status: 413,
    details: { limit },
  });
}

/** XML bank statements (camt.053) count entries; everything else counts lines. */
export function isXmlText(text: string): boolean {
  return /^\uFEFF?\s*</.test(text.slice(0, 1024));
}

const ENTRY = /<(?:[A-Za-z_][\w.-]*:)?Ntry[\s>/]/g;

/** Lines of a CSV or BAI2 file (a last line without a newline counts), or entries of a camt.053 file. */
export function countRows(text: string): number {
  if (isXmlText(text)) return text.match(ENTRY)?.length ?? 0;
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
  if (text.length > 0 && !text.endsWith('\n')) lines += 1;
  return lines;
}

export function tooManyRows(limit: number, unit: 'lines' | 'entries' = 'lines'): DomainError {
  return new DomainError(
    'too_many_rows',
    `The file has more than ${limit.toLocaleString('en-US')} ${unit}, the most one import takes (IMPORT_MAX_ROWS); split it and import each part`,
    {
      status: 413,
      details: { limit, unit },
    },
  );
}

/** Refuses a file over the row cap before it is parsed (a parsed row costs far more than its text). */
export function assertRowLimit(text: string, limit: number = importRowLimit()): void {
  if (countRows(text) > limit) throw tooManyRows(limit, isXmlText(text) ? 'entries' : 'lines');
}

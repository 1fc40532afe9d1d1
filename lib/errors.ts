/**
 * The one error type thrown by lib/. The edges (route handlers, server actions, the CLI)
 * map `status` to HTTP and show `message` to a person; `details` names bad fields.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export class DomainError extends Error {
  readonly code: string;
  readonly status: ErrorStatus;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: { status?: ErrorStatus; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.status = options.status ?? 422;
    this.details = options.details ?? {};
  }
}

export const invalidInput = (message: string, details: Record<string, unknown> = {}) => new DomainError('invalid_input', message, { status: 400, details });
export const notFound = (what: string, id?: string | number) =>
  new DomainError('not_found', id === undefined ? `${what} not found` : `${what} ${id} not found`, { status: 404 });
export const conflict = (code: string, message: string, details: Record<string, unknown> = {}) => new DomainError(code, message, { status: 409, details });
export const refused = (code: string, message: string, details: Record<string, unknown> = {}) => new DomainError(code, message, { status: 422, details });
/**
 * An id in a request body that names nothing (a client, debtor or invoice that does not exist):
 * 422 naming the field, never an empty success. Ids in the path are 404 (`notFound`).
 */
export const unknownId = (field: string, what: string, id: string | number) =>
  new DomainError(`unknown_${what.toLowerCase().replace(/\s+/g, '_')}`, `No ${what.toLowerCase()} ${id}`, {
    status: 422,
    details: { [field]: `no such ${what.toLowerCase()}` },
  });

import { DomainError, type ErrorStatus } from '../errors';

/**
 * What a caller is told about a failure (issue 11): every bad input is a 4xx, a database or queue
 * that is down or overloaded a 503, and nothing else than API.md's error shape ever leaves —
 * never a connection string, a host, a query or a stack. Used by the API routes
 * (lib/http/api.ts) and the server actions (lib/http/action.ts) alike.
 */
export interface PublicError {
  status: ErrorStatus | 500;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** postgres.js / Node socket error codes of a database that cannot be reached. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

function sqlState(error: unknown): string | undefined {
  // drizzle wraps the driver's error (DrizzleQueryError.cause); AggregateError (one attempt per
  // address of "localhost") carries the code itself.
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const inner = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(inner)) {
      const found = inner.map((x) => (x as { code?: unknown })?.code).find((c): c is string => typeof c === 'string');
      if (found) return found;
    }
  }
  return undefined;
}

const unavailable = (): PublicError => ({
  status: 503,
  code: 'database_unavailable',
  message: 'The database is not available right now; try again in a moment.',
  details: {},
});

/** The public face of an error, or null for one that is ours (a bug: 500, logged with the request id). */
export function publicError(error: unknown): PublicError | null {
  if (error instanceof DomainError) return { status: error.status, code: error.code, message: error.message, details: error.details };
  const code = sqlState(error);
  if (!code) return null;
  if (CONNECTION_CODES.has(code)) return unavailable();
  switch (code) {
    case '40P01':
    case '40001':
      return { status: 409, code: 'concurrent_update', message: 'Another change touched the same records at the same moment; try again', details: {} };
    case '55P03':
      return { status: 409, code: 'locked', message: 'The records are being changed by another request right now; try again in a moment', details: {} };
    case '57014':
      return { status: 503, code: 'timeout', message: 'The request took too long and was stopped; try again, or with less at once.', details: {} };
    case '22003':
      return { status: 400, code: 'number_out_of_range', message: 'A number is too large (or has too many digits) to be stored', details: {} };
    case '22021':
    case '22P05':
      return {
        status: 400,
        code: 'invalid_characters',
        message: 'The input contains characters that cannot be stored (a NUL byte or broken Unicode)',
        details: {},
      };
    case '22P02':
      return { status: 400, code: 'invalid_input', message: 'A value is not in the form expected (a number, a date or an id)', details: {} };
    case '54001':
      return { status: 400, code: 'input_too_complex', message: 'The input is too deeply nested or too complex', details: {} };
    case '53300':
    case '57P01':
    case '57P02':
    case '57P03':
    case '25P03':
      return unavailable();
  }
  if (code.startsWith('08')) return unavailable();
  // Any other data exception (a bad date, too long a text): the input, not the server.
  if (code.startsWith('22')) return { status: 400, code: 'invalid_input', message: 'A value is not valid for the field it was given for', details: {} };
  if (code.startsWith('53'))
    return { status: 503, code: 'database_busy', message: 'The database is out of resources right now; try again in a moment.', details: {} };
  return null;
}

export function internalError(requestId: string): PublicError {
  return { status: 500, code: 'internal_error', message: `Something went wrong on our side (request ${requestId}); nothing was changed`, details: {} };
}

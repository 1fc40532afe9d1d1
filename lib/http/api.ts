import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { getDatabase, type Database, type Tx } from '../../db/client';
import { apiKeys, users } from '../../db/schema';
import { canonicalJson } from '../audit/hash';
import type { Actor } from '../auth/actor';
import { hashApiKey, looksLikeApiKey } from '../auth/api-keys';
import { requirePermission, type Permission } from '../auth/permissions';
import { DomainError } from '../errors';
import { invalidInput } from '../validation';
import { runAfterCommit } from './after-commit';
import { clientIp } from './client-ip';
import { internalError, publicError } from './errors';
import { bodyLimits, importRowLimit } from './limits';
import { assertCleanText, boundedRequestId, hasBadCharacters, parseJsonBody, readBodyText } from './request';

/**
 * Route handlers of the public API (API.md): the key → actor, the permission check
 * (lib/auth/permissions.ts), the body parsed with the route's zod schema (the shared field
 * schemas of lib/validation/fields.ts: a failure is a 400 whose `details` name each JSON field
 * and whose messages name its label), JSON errors of the documented shape, and Idempotency-Key
 * replay. Handlers stay four steps long (STYLE "How a command flows").
 *
 * Bad input is never a 500 (issue 11): the body is read as a stream and cut at its limit (413),
 * JSON that nests too deep or carries a NUL or a lone surrogate is a 400 naming the field, and
 * database errors caused by the input, a lock, a timeout or an outage map to 400/409/503
 * (lib/http/errors.ts) without a word about hosts or connection strings.
 */

/** A route's path parameters as Next passes them (`{ id: "12" }`); read ids with `pathId`. */
export type PathParams = Record<string, string | undefined>;

export interface ApiContext {
  req: Request;
  actor: Actor;
  params: PathParams;
  /** inside a transaction for writes (with the idempotency record); the pool for reads and for `transaction: false` */
  tx: Tx;
  /**
   * The pool, for a handler declared `transaction: false` whose command opens its own short
   * transactions (a release cycle per chunk of clients): no transaction is open around it, so
   * the request never holds one connection while it waits for another (issue 11).
   */
  db: Database;
  url: URL;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** a raw body (PDF) instead of JSON, or a stream (a list's whole filtered set as CSV) */
  raw?: {
    body: Uint8Array | ReadableStream<Uint8Array>;
    contentType: string;
    filename?: string;
    /** with `filename`: `attachment` (default, a download) or `inline` (shown in the browser: a document's preview) */
    disposition?: 'attachment' | 'inline';
  };
  /** runs after the transaction commits (queue a job); its failure never fails the request */
  after?: () => Promise<void>;
}

export interface ApiRouteOptions {
  /** GETs also accept the signed-in session instead of a key (PDF downloads from the console) */
  session?: boolean;
  /**
   * false: the handler manages its own short transactions (a release cycle commits per chunk
   * of clients; an accrual waits for the worker). It then runs on the pool without holding a
   * connection, and an Idempotency-Key is claimed and answered in short transactions of its own:
   * one request never needs two connections at once, so parallel requests cannot starve the pool.
   */
  transaction?: boolean;
  /** 'file': the body is an imported file (the import size limit and the row cap) */
  /**
   * 'stream': the body is a binary file the handler streams itself from `req.body` (a document:
   * never read into memory or decoded as text here). An Idempotency-Key is not claimed for it —
   * the answer could not be told apart from another file's before reading it; the handler's
   * command is idempotent by the content itself (the same file on the same subject answers the
   * document stored first).
   */
  body?: 'json' | 'file' | 'stream';
}

/**
 * The user an API key acts for. Every key belongs to a user (api_keys.user_id is not null), so an
 * actor without one here is a bug, not a caller to serve: refused rather than filed under a
 * made-up user id.
 */
function keyOwner(actor: Actor): number {
  if (actor.userId === null) throw new DomainError('unauthenticated', 'This request has no user to act for', { status: 401 });
  return actor.userId;
}

/** A JSON body that does not parse: lib/validation's `invalidInput`, the body named as such. */
export function invalidBody(error: z.ZodError): DomainError {
  return invalidInput(error, { whole: 'The request body must be a JSON object of the fields API.md lists for this request' });
}

/** A claim (status 0) older than this is taken to be a crashed request's and may be taken over. */
const STALE_CLAIM = '15 minutes';

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

function json(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...extra },
  });
}

async function actorFromKey(req: Request, requestId: string): Promise<Actor> {
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match || !looksLikeApiKey(match[1]!)) {
    throw new DomainError('unauthenticated', 'Send an API key as "Authorization: Bearer <key>"', { status: 401 });
  }
  const db = getDatabase();
  const [row] = await db.db
    .select({ keyId: apiKeys.id, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(match[1]!)), isNull(apiKeys.revokedAt)));
  if (!row || row.user.disabledAt)
    throw new DomainError('unauthenticated', 'The API key is not valid (unknown, revoked, or its user is disabled)', { status: 401 });
  // Fire-and-forget is wrong for an audit trail but right for a usage timestamp (a failure is logged, the request goes on).
  void db.sql`update api_keys set last_used_at = now() where id = ${row.keyId} and (last_used_at is null or last_used_at < now() - interval '1 minute')`.catch(
    (error: unknown) =>
      console.warn(`[${requestId}] could not record the API key's last use:`, publicError(error)?.code ?? (error instanceof Error ? error.message : error)),
  );
  return {
    userId: row.user.id,
    label: row.user.email,
    role: row.user.role,
    clientId: row.user.clientId,
    source: 'api',
    requestId,
    // the web server (scripts/web.ts) wrote the peer's address into X-Forwarded-For; TRUST_PROXY says whose to believe
    ip: clientIp(req.headers),
  };
}

export function toErrorResponse(error: unknown, requestId: string): Response {
  const known = publicError(error);
  if (known) return json(known.status, errorBody(known.code, known.message, known.details), requestId);
  console.error(`[${requestId}]`, error);
  const e = internalError(requestId);
  return json(e.status, errorBody(e.code, e.message, e.details), requestId);
}

type RouteContext = { params: Promise<PathParams> };

/**
 * A GET that people open from the console or the portal too (a statement PDF): without an
 * Authorization header the signed-in session stands in for the key; with one, the key decides.
 */
async function actorFromKeyOrSession(req: Request, requestId: string): Promise<Actor> {
  if (req.headers.get('authorization')) return actorFromKey(req, requestId);
  const { currentActor } = await import('../auth/session');
  const actor = await currentActor();
  if (!actor) throw new DomainError('unauthenticated', 'Sign in or send an API key as "Authorization: Bearer <key>"', { status: 401 });
  return { ...actor, requestId };
}

/** The body of a write: JSON (checked) or, for other content types, text (a file). */
async function readWriteBody(req: Request, kind: 'json' | 'file'): Promise<unknown> {
  const limits = bodyLimits();
  const contentType = req.headers.get('content-type') ?? '';
  const text = await readBodyText(req, kind === 'file' ? { maxBytes: limits.import, maxLines: importRowLimit() } : { maxBytes: limits.json });
  if (contentType.includes('json') || contentType === '') return parseJsonBody(text);
  assertCleanText(text);
  return text;
}

interface Replay {
  status: number;
  body: unknown;
}

/** The stored answer for a key, 409 for the key used with another request, or 409 while the first is still running. */
function replayOf(stored: { request_hash: string; status: number; body: unknown } | undefined, requestHash: string): Replay | null {
  if (!stored || stored.request_hash !== requestHash) {
    throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used before with a different request', { status: 409 });
  }
  if (stored.status === 0) return null;
  return { status: stored.status, body: stored.body };
}

const inProgress = () =>
  new DomainError('request_in_progress', 'A request with this Idempotency-Key is still running; ask again when it has finished', { status: 409 });

/**
 * `transaction: false`: claims the key in a short statement of its own (status 0 = running).
 * Answers the stored reply, or null when this request now owns the key.
 */
async function claimKey(userId: number, key: string, route: string, requestHash: string): Promise<Replay | null> {
  const { sql } = getDatabase();
  const claimed = await sql`
    insert into api_idempotency (user_id, key, route, request_hash, status, body)
    values (${userId}, ${key}, ${route}, ${requestHash}, 0, '{}'::jsonb)
    on conflict do nothing returning key`;
  if (claimed.length > 0) return null;
  const [stored] = await sql<{ request_hash: string; status: number; body: unknown }[]>`
    select request_hash, status, body from api_idempotency where user_id = ${userId} and key = ${key}`;
  const replay = replayOf(stored, requestHash);
  if (replay) return replay;
  // A claim nobody finished for a long time belongs to a crashed process: take it over.
  const taken = await sql`
    update api_idempotency set created_at = now()
     where user_id = ${userId} and key = ${key} and status = 0 and request_hash = ${requestHash}
       and created_at < now() - ${STALE_CLAIM}::interval
    returning key`;
  if (taken.length > 0) return null;
  throw inProgress();
}

/** A route handler as Next calls it; `permission` and `schema` stay readable (tests generate inputs from them). */
export interface ApiRouteHandler {
  (req: Request, context: RouteContext): Promise<Response>;
  readonly permission: Permission;
  /** the JSON body's schema (null: the handler reads the query string or a file body itself) */
  readonly schema: z.ZodType | null;
  readonly options: Readonly<ApiRouteOptions>;
}

/** A handler without a body schema: a GET (it reads `url`'s query), a POST with no body, or a file import (`body` is its text). */
export type RawApiHandler = (ctx: ApiContext & { body: unknown }) => Promise<ApiResult>;
/** A handler of a JSON body parsed with the route's schema: `input` is its typed output. */
export type ApiHandler<I> = (ctx: ApiContext & { input: I }) => Promise<ApiResult>;

/**
 * The one shape of an API route (STYLE "How a command flows"): the key's actor holding
 * `permission` (401/403) → the JSON body parsed with `schema` (400 naming each field) → the
 * handler in one transaction with Idempotency-Key replay → the answer; after-commit work runs
 * after it, logged if it fails.
 *
 *   export const POST = apiRoute('invoice.create', createInvoiceBody, async ({ tx, input, actor }) => …)
 *
 * Without a schema (`apiRoute(permission, handler, options)`) the handler gets the raw `body`:
 * GETs with query strings, POSTs without a body, and file imports (`body: 'file'`).
 */
export function apiRoute(permission: Permission, handler: RawApiHandler, options?: ApiRouteOptions): ApiRouteHandler;
export function apiRoute<S extends z.ZodType>(permission: Permission, schema: S, handler: ApiHandler<z.output<S>>, options?: ApiRouteOptions): ApiRouteHandler;
export function apiRoute(
  permission: Permission,
  schemaOrHandler: z.ZodType | RawApiHandler,
  handlerOrOptions?: ApiHandler<unknown> | ApiRouteOptions,
  maybeOptions?: ApiRouteOptions,
): ApiRouteHandler {
  const schema = typeof schemaOrHandler === 'function' ? null : schemaOrHandler;
  const options: ApiRouteOptions = (schema ? maybeOptions : (handlerOrOptions as ApiRouteOptions | undefined)) ?? {};
  const run: (ctx: ApiContext, body: unknown) => Promise<ApiResult> = schema
    ? (ctx, body) => (handlerOrOptions as ApiHandler<unknown>)({ ...ctx, input: body })
    : (ctx, body) => (schemaOrHandler as RawApiHandler)({ ...ctx, body });
  const route = async (req: Request, context: RouteContext): Promise<Response> => {
    const requestId = boundedRequestId(req.headers.get('x-request-id'));
    try {
      const isRead = req.method === 'GET' || req.method === 'HEAD';
      const actor = requirePermission(options.session && isRead ? await actorFromKeyOrSession(req, requestId) : await actorFromKey(req, requestId), permission);
      const params: PathParams = (await context?.params) ?? {};
      const url = new URL(req.url);
      const db = getDatabase();
      const isWrite = !isRead;
      const streamed = options.body === 'stream';
      const raw: unknown = isWrite && !streamed ? await readWriteBody(req, options.body === 'file' ? 'file' : 'json') : undefined;
      // Parsed before any transaction opens: a bad body holds no connection and stores nothing.
      let body: unknown = raw;
      if (schema) {
        // A body sent as text/plain or a form is not this route's JSON object, whatever it contains.
        if (typeof raw === 'string')
          throw new DomainError('invalid_json', 'Send the request body as a JSON object with "Content-Type: application/json"', {
            status: 400,
            details: { _: 'a JSON object' },
          });
        const parsed = schema.safeParse(raw);
        if (!parsed.success) throw invalidBody(parsed.error);
        body = parsed.data;
      }
      const idemKey = req.headers.get('idempotency-key');
      let result: ApiResult;
      if (isWrite && idemKey && !streamed) {
        if (idemKey.length > 200) throw new DomainError('invalid_idempotency_key', 'Idempotency-Key is at most 200 characters', { status: 400 });
        if (hasBadCharacters(idemKey)) throw new DomainError('invalid_idempotency_key', 'Idempotency-Key must be plain text', { status: 400 });
        const userId = keyOwner(actor);
        const route = `${req.method} ${url.pathname}`;
        // The hash is of what was sent, so "the same key with another body" means what the caller sent.
        const requestHash = createHash('sha256')
          .update(route)
          .update('\n')
          .update(typeof raw === 'string' ? raw : canonicalJson(raw))
          .digest('hex');
        if (options.transaction === false) {
          const replay = await claimKey(userId, idemKey, route, requestHash);
          if (replay) {
            result = { status: replay.status, body: replay.body, headers: { 'idempotent-replayed': 'true' } };
          } else {
            try {
              result = await run({ req, actor, params, tx: db, db, url }, body);
            } catch (error) {
              // Nothing to replay: free the key so the caller may try again.
              await db.sql`delete from api_idempotency where user_id = ${userId} and key = ${idemKey} and status = 0`.catch((freeError: unknown) =>
                console.warn(`[${requestId}] could not free the Idempotency-Key after a failure:`, publicError(freeError)?.code ?? freeError),
              );
              throw error;
            }
            const stored = result;
            await db.sql`
              update api_idempotency set status = ${stored.status}, body = ${JSON.stringify(stored.body ?? null)}::jsonb
               where user_id = ${userId} and key = ${idemKey} and status = 0`.catch((error: unknown) =>
              // The work is done and is answered; a replay will find the claim and say so (409).
              console.warn(`[${requestId}] could not store the idempotent answer:`, publicError(error)?.code ?? error),
            );
          }
        } else {
          result = await db.transaction(async (tx) => {
            // The first request with a key holds its row until it commits; a racing twin waits here.
            const claimed = await tx.sql`
              insert into api_idempotency (user_id, key, route, request_hash, status, body)
              values (${userId}, ${idemKey}, ${route}, ${requestHash}, 0, '{}'::jsonb)
              on conflict do nothing returning key`;
            if (claimed.length === 0) {
              const [stored] = await tx.sql<{ request_hash: string; status: number; body: unknown }[]>`
                select request_hash, status, body from api_idempotency where user_id = ${userId} and key = ${idemKey}`;
              const replay = replayOf(stored, requestHash);
              if (!replay) throw inProgress();
              return { status: replay.status, body: replay.body, headers: { 'idempotent-replayed': 'true' } };
            }
            const fresh = await run({ req, actor, params, tx, db, url }, body);
            await tx.sql`
              update api_idempotency set status = ${fresh.status}, body = ${JSON.stringify(fresh.body ?? null)}::jsonb
               where user_id = ${userId} and key = ${idemKey}`;
            return fresh;
          });
        }
      } else if (isWrite && options.transaction !== false) {
        result = await db.transaction((tx) => run({ req, actor, params, tx, db, url }, body));
      } else {
        result = await run({ req, actor, params, tx: db, db, url }, body);
      }
      // The work is committed and is answered; a failure here is logged (runAfterCommit), the scheduler retries it.
      if (result.after) await runAfterCommit([{ label: 'after-commit work', work: result.after }], { requestId });
      if (result.raw) {
        return new Response(result.raw.body as BodyInit, {
          status: result.status,
          headers: {
            'content-type': result.raw.contentType,
            'x-request-id': requestId,
            ...(result.raw.filename ? { 'content-disposition': contentDisposition(result.raw.disposition ?? 'attachment', result.raw.filename) } : {}),
            ...(result.headers ?? {}),
          },
        });
      }
      return json(result.status, result.body ?? null, requestId, result.headers);
    } catch (error) {
      return toErrorResponse(error, requestId);
    }
  };
  return Object.assign(route, { permission, schema, options: Object.freeze({ ...options }) });
}

/**
 * `attachment; filename="…"` (or `inline`): a plain name as it is; any other (quotes, non-ASCII, a
 * person's "Lieferschein Müller.pdf") with an ASCII stand-in and its exact UTF-8 form (RFC 6266 / 5987).
 */
export function contentDisposition(disposition: 'attachment' | 'inline', filename: string): string {
  if (/^[A-Za-z0-9 ._()+-]{1,255}$/.test(filename)) return `${disposition}; filename="${filename}"`;
  const fallback = filename.replace(/[^A-Za-z0-9 ._()+-]/g, '_').slice(0, 255) || 'download';
  const exact = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** Parses a path id ("123"); anything else is a 404 like an unknown id. */
export function pathId(value: string | undefined, what: string): number {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) throw new DomainError('not_found', `${what} not found`, { status: 404 });
  return Number(value);
}

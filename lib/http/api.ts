import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { getDatabase, type Tx } from '../../db/client';
import { apiKeys, users } from '../../db/schema';
import { canonicalJson } from '../audit/hash';
import { requireRole, type Actor } from '../auth/actor';
import { hashApiKey, looksLikeApiKey } from '../auth/api-keys';
import type { Role } from '../auth/roles';
import { DomainError } from '../errors';

/**
 * Route handlers of the public API (API.md): the key → actor, the role check, JSON errors of
 * the documented shape, and Idempotency-Key replay. Handlers stay four steps long (STYLE).
 */

export interface ApiContext<P> {
  req: Request;
  actor: Actor;
  params: P;
  /** inside a transaction for POSTs (with the idempotency record), the pool for reads */
  tx: Tx;
  url: URL;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** a raw body (PDF) instead of JSON */
  raw?: { body: Uint8Array; contentType: string; filename?: string };
  /** runs after the transaction commits (queue a job); its failure never fails the request */
  after?: () => Promise<void>;
}

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
  if (!row || row.user.disabledAt) throw new DomainError('unauthenticated', 'The API key is not valid (unknown, revoked, or its user is disabled)', { status: 401 });
  // Fire-and-forget is wrong for an audit trail but right for a usage timestamp.
  void db.sql`update api_keys set last_used_at = now() where id = ${row.keyId} and (last_used_at is null or last_used_at < now() - interval '1 minute')`.catch(() => {});
  return {
    userId: row.user.id,
    label: row.user.email,
    role: row.user.role,
    clientId: row.user.clientId,
    source: 'api',
    requestId,
    ip: req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || null,
  };
}

export function toErrorResponse(error: unknown, requestId: string): Response {
  if (error instanceof DomainError) return json(error.status, errorBody(error.code, error.message, error.details), requestId);
  const pg = error as { code?: string; message?: string };
  if (pg?.code === '40P01' || pg?.code === '40001') {
    return json(409, errorBody('concurrent_update', 'Another change touched the same records at the same moment; try again'), requestId);
  }
  console.error(`[${requestId}]`, error);
  return json(500, errorBody('internal_error', `Something went wrong on our side (request ${requestId}); nothing was changed`), requestId);
}

export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('invalid_json', 'The request body is not valid JSON', { status: 400 });
  }
}

type RouteContext<P> = { params: Promise<P> };

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

/** Wraps a handler with authentication, the role check and errors; POSTs get Idempotency-Key. */
export function apiRoute<P = Record<string, never>>(
  roles: readonly Role[],
  handler: (ctx: ApiContext<P> & { body: unknown }) => Promise<ApiResult>,
  options: { session?: boolean } = {},
) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    const requestId = req.headers.get('x-request-id') || randomUUID();
    try {
      const isRead = req.method === 'GET' || req.method === 'HEAD';
      const actor = requireRole(options.session && isRead ? await actorFromKeyOrSession(req, requestId) : await actorFromKey(req, requestId), roles);
      const params = (await context.params) ?? ({} as P);
      const url = new URL(req.url);
      const db = getDatabase();
      const isWrite = req.method !== 'GET' && req.method !== 'HEAD';
      const contentType = req.headers.get('content-type') ?? '';
      const rawText = isWrite ? await req.text() : '';
      let body: unknown = rawText;
      if (isWrite && (contentType.includes('json') || contentType === '')) {
        try {
          body = rawText.trim() === '' ? {} : JSON.parse(rawText);
        } catch {
          throw new DomainError('invalid_json', 'The request body is not valid JSON', { status: 400 });
        }
      }
      const idemKey = req.headers.get('idempotency-key');
      let result: ApiResult;
      if (isWrite && idemKey) {
        if (idemKey.length > 200) throw new DomainError('invalid_idempotency_key', 'Idempotency-Key is at most 200 characters', { status: 400 });
        const route = `${req.method} ${url.pathname}`;
        const requestHash = createHash('sha256').update(route).update('\n').update(typeof body === 'string' ? body : canonicalJson(body)).digest('hex');
        result = await db.transaction(async (tx) => {
          // The first request with a key holds its row until it commits; a racing twin waits here.
          const claimed = await tx.sql`
            insert into api_idempotency (user_id, key, route, request_hash, status, body)
            values (${actor.userId}, ${idemKey}, ${route}, ${requestHash}, 0, '{}'::jsonb)
            on conflict do nothing returning key`;
          if (claimed.length === 0) {
            const [stored] = await tx.sql<{ request_hash: string; status: number; body: unknown }[]>`
              select request_hash, status, body from api_idempotency where user_id = ${actor.userId} and key = ${idemKey}`;
            if (!stored || stored.request_hash !== requestHash) {
              throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used before with a different request', { status: 409 });
            }
            return { status: stored.status, body: stored.body, headers: { 'idempotent-replayed': 'true' } };
          }
          const fresh = await handler({ req, actor, params, tx, url, body });
          await tx.sql`
            update api_idempotency set status = ${fresh.status}, body = ${JSON.stringify(fresh.body ?? null)}::jsonb
             where user_id = ${actor.userId} and key = ${idemKey}`;
          return fresh;
        });
      } else if (isWrite) {
        result = await db.transaction((tx) => handler({ req, actor, params, tx, url, body }));
      } else {
        result = await handler({ req, actor, params, tx: db, url, body: undefined });
      }
      if (result.after) {
        await result.after().catch((error: unknown) => console.warn(`[${requestId}] after-commit work failed:`, error));
      }
      if (result.raw) {
        return new Response(result.raw.body as BodyInit, {
          status: result.status,
          headers: {
            'content-type': result.raw.contentType,
            'x-request-id': requestId,
            ...(result.raw.filename ? { 'content-disposition': `attachment; filename="${result.raw.filename}"` } : {}),
            ...(result.headers ?? {}),
          },
        });
      }
      return json(result.status, result.body ?? null, requestId, result.headers);
    } catch (error) {
      return toErrorResponse(error, requestId);
    }
  };
}

/** Parses a path id ("123"); anything else is a 404 like an unknown id. */
export function pathId(value: string | undefined, what: string): number {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) throw new DomainError('not_found', `${what} not found`, { status: 404 });
  return Number(value);
}

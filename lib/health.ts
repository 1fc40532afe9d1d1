import postgres from 'postgres';
import { Redis } from 'ioredis';

/**
 * API.md Health: Postgres and Redis, each asked for real within a short time. Truthful under
 * load (issue 11): Postgres is asked over a connection of its own, never the request pool, so
 * a pool that is busy (or exhausted) does not make the check wait or lie. Anonymous callers learn
 * ok/down and nothing else — no error text, host or connection string.
 */
export interface Health {
  status: 'ok' | 'down';
  db: 'ok' | 'down';
  redis: 'ok' | 'down';
}

export const HEALTH_TIMEOUT_MS = 2_000;

const globalHealth = globalThis as unknown as { __holdbackHealthSql?: { url: string; sql: postgres.Sql } };

/** The one dedicated connection of the health check (opened on first use, reopened after a failure). */
function healthSql(url: string): postgres.Sql {
  const current = globalHealth.__holdbackHealthSql;
  if (current && current.url === url) return current.sql;
  if (current) void current.sql.end({ timeout: 0 }).catch(() => {});
  const sql = postgres(url, {
    max: 1,
    connect_timeout: Math.ceil(HEALTH_TIMEOUT_MS / 1000),
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: 'holdback-health', statement_timeout: HEALTH_TIMEOUT_MS },
  });
  globalHealth.__holdbackHealthSql = { url, sql };
  return sql;
}

function dropHealthSql(url: string): void {
  const current = globalHealth.__holdbackHealthSql;
  if (current?.url !== url) return;
  globalHealth.__holdbackHealthSql = undefined;
  void current.sql.end({ timeout: 0 }).catch(() => {});
}

export async function closeHealthChecks(): Promise<void> {
  const current = globalHealth.__holdbackHealthSql;
  globalHealth.__holdbackHealthSql = undefined;
  if (current) await current.sql.end({ timeout: 1 }).catch(() => {});
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

async function databaseUp(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const [row] = await withTimeout(healthSql(url)`select 1 as ok`, timeoutMs);
    return row?.ok === 1;
  } catch {
    // A connection that failed or hung is not reused: the next check opens a fresh one.
    dropHealthSql(url);
    return false;
  }
}

async function redisUp(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    return (
      (await withTimeout(
        client.connect().then(() => client.ping()),
        timeoutMs,
      )) === 'PONG'
    );
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function checkHealth(options: { databaseUrl: string; redisUrl: string; timeoutMs?: number }): Promise<Health> {
  const timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const [db, redis] = await Promise.all([databaseUp(options.databaseUrl, timeoutMs), redisUp(options.redisUrl, timeoutMs)]);
  const view = { db: db ? 'ok' : 'down', redis: redis ? 'ok' : 'down' } as const;
  return { status: db && redis ? 'ok' : 'down', ...view };
}

import { Redis } from 'ioredis';
import type { RawSql } from '../db/client';

export interface Health {
  status: 'ok' | 'degraded';
  db: 'ok' | 'down';
  redis: 'ok' | 'down';
  errors?: Record<string, string>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);
}

/** API.md Health: Postgres and Redis, each asked for real, each within two seconds. */
export async function checkHealth(sql: RawSql, redisUrl: string): Promise<Health> {
  const errors: Record<string, string> = {};
  const db = await withTimeout(sql`select 1 as ok`, 2000, 'PostgreSQL')
    .then(() => 'ok' as const)
    .catch((e: Error) => ((errors.db = e.message), 'down' as const));
  const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  const redis = await withTimeout(
    client.connect().then(() => client.ping()),
    2000,
    'Redis',
  )
    .then((pong) => (pong === 'PONG' ? ('ok' as const) : ('down' as const)))
    .catch((e: Error) => ((errors.redis = e.message), 'down' as const))
    .finally(() => client.disconnect());
  const ok = db === 'ok' && redis === 'ok';
  return ok ? { status: 'ok', db, redis } : { status: 'degraded', db, redis, errors };
}

import { databaseUrl } from '@/db/client';
import { redisUrl } from '@/jobs/queues';
import { checkHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/**
 * API.md Health: no key; 200 {"status":"ok","db":"ok","redis":"ok"} when Postgres and Redis
 * answer, 503 naming what is down ("down"). Asked over its own connection, never the request pool.
 */
export async function GET() {
  const health = await checkHealth({ databaseUrl: databaseUrl(), redisUrl: redisUrl() });
  return Response.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}

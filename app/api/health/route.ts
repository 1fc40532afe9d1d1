import { getDatabase } from '@/db/client';
import { redisUrl } from '@/jobs/queues';
import { checkHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** API.md Health: no key; 200 when Postgres and Redis answer, 503 naming what is down. */
export async function GET() {
  const health = await checkHealth(getDatabase().sql, redisUrl());
  return Response.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}

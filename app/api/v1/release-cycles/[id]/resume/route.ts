import { afterRelease } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { resumeReleaseCycle } from '@/lib/releases';

export const dynamic = 'force-dynamic';

/**
 * POST /release-cycles/{id}/resume (no body) — a failed (or stalled) cycle run again for the
 * same date and clients: what it proposed or paid stays, the rest is proposed once → 200 with
 * the cycle as POST /release-cycles answers it; 409 if it finished or is still running. The cycle
 * commits per chunk of clients in its own short transactions, so the route opens none
 * (`transaction: false`) and hands the command the pool (`db`).
 */
export const POST = apiRoute(
  'release.run_cycle',
  async ({ db, actor, params }) => ({
    status: 200,
    body: await resumeReleaseCycle(db, pathId(params.id, 'Release cycle'), actor),
    after: afterRelease,
  }),
  { transaction: false },
);

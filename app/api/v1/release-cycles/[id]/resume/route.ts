import { afterRelease } from '@/jobs/after-commit';
import { CYCLE_ROLES, resumeReleaseCycle } from '@/lib/releases';
import { apiRoute, pathId } from '@/lib/http/api';
import { getDatabase } from '@/db/client';

export const dynamic = 'force-dynamic';

/**
 * POST /release-cycles/{id}/resume — a failed (or stalled) cycle run again for the same date and
 * clients: what it proposed or paid stays, the rest is proposed once → 200 with the cycle as
 * POST /release-cycles answers it; 409 if it finished or is still running.
 */
export const POST = apiRoute<{ id: string }>(
  CYCLE_ROLES,
  async ({ actor, params }) => ({
    status: 200,
    body: await resumeReleaseCycle(getDatabase(), pathId(params.id, 'Release cycle'), actor),
    after: afterRelease,
  }),
  { transaction: false },
);

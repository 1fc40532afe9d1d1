import { afterRelease } from '@/jobs/after-commit';
import { CYCLE_ROLES, listCycles, runReleaseCycle } from '@/lib/releases';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { apiRoute } from '@/lib/http/api';
import { getDatabase } from '@/db/client';

export const dynamic = 'force-dynamic';

/**
 * API.md: POST /release-cycles {"asOf","clientIds"?} → 201 with the releases (omit clientIds for
 * every client due on that date by cadence). Runs in its own transactions (per chunk of clients),
 * so the route holds none (`transaction: false`): a request never waits for a second connection.
 */
export const POST = apiRoute(
  CYCLE_ROLES,
  async ({ actor, body }) => ({
    status: 201,
    body: await runReleaseCycle(getDatabase(), body as never, actor, { kind: 'ad_hoc' }),
    after: afterRelease,
  }),
  { transaction: false },
);

export const GET = apiRoute(STAFF_ROLES, async ({ tx }) => ({ status: 200, body: { items: await listCycles(tx), nextCursor: null } }));

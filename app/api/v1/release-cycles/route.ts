import { z } from 'zod';
import { afterRelease } from '@/jobs/after-commit';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { runReleaseCycle } from '@/lib/releases';
import { cycleList } from '@/lib/releases/list';
import { array, businessDate, id, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"asOf","clientIds"?}: omit clientIds for every client due on that date by cadence. */
const body = z.object({
  asOf: businessDate('As of'),
  clientIds: optional(array('Clients', id('Client'), { max: 100_000 })),
});

/**
 * API.md: POST /release-cycles {"asOf","clientIds"?} → 201 with the releases (omit clientIds for
 * every client due on that date by cadence). The cycle commits per chunk of clients in its own
 * short transactions, so the route opens none (`transaction: false`) and hands the command the
 * pool (`db`): a request never holds a transaction while the cycle waits for a second connection
 * (issue 11).
 */
export const POST = apiRoute(
  'release.run_cycle',
  body,
  async ({ db, actor, input }) => ({
    status: 201,
    body: await runReleaseCycle(db, input, actor, { kind: 'ad_hoc' }),
    after: afterRelease,
  }),
  { transaction: false },
);

/**
 * Release cycles, newest first, keyset-paged (issue 13): `sort` started|date, `order`, filters
 * `status` (running|completed|failed; a stalled run reads failed), `kind`, `from`/`to` (as of);
 * `total`; `?format=csv`.
 */
export const GET = apiRoute('staff.read', async ({ tx, url }) => listAnswer(tx.sql, cycleList(tx.sql), url), { session: true });

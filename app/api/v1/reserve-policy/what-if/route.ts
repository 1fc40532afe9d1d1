import { todayIn } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { whatIf, whatIfInputSchema } from '@/lib/releases/what-if';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 2: POST /reserve-policy/what-if {"riskSchedule"} or {"clientId","terms"} (+ "asOf",
 * "page", "pageSize") → each affected client's reserve held and releasable per currency before and
 * after, the totals and the clients whose next release would change (README "What-if"). Computed
 * in a READ ONLY transaction of its own (`transaction: false`: no idempotency record is written
 * with it); the permission to apply the change is checked inside (settings.edit or agreement.propose).
 */
export const POST = apiRoute(
  'portfolio.read',
  whatIfInputSchema,
  async ({ db, actor, input }) => ({
    status: 200,
    body: await db.transaction((tx) => whatIf(tx, input, actor, todayIn())),
  }),
  { transaction: false },
);

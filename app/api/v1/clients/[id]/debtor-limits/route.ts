import { apiRoute, pathId } from '@/lib/http/api';
import { listPairLimits, pairLimitSchema, setPairLimit } from '@/lib/intake/pair-limits';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 4: the client's client–debtor limits in force (with each pair's open exposure and
 * today's override), their history and the overrides: `{"limits","history","overrides"}` (staff).
 */
export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await listPairLimits(tx, pathId(params.id, 'Client'), actor),
}));

/** Sets a pair's limit — `{"debtorId","currency","limit","reason"}` (`limit` null removes it) → 201 the history row (underwriter). */
export const POST = apiRoute('pair_limit.set', pairLimitSchema, async ({ tx, actor, params, input }) => ({
  status: 201,
  body: await setPairLimit(tx, pathId(params.id, 'Client'), input, actor),
}));

import { apiRoute, pathId } from '@/lib/http/api';
import { grantPairOverride, pairOverrideSchema } from '@/lib/intake/pair-limits';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 4: an approver authorises an override of a client–debtor limit —
 * `{"debtorId","currency","limit","until","reason"}` → 201 the override; it covers fundings dated
 * up to `until` whose pair exposure stays within its `limit`.
 */
export const POST = apiRoute('pair_limit.override', pairOverrideSchema, async ({ tx, actor, params, input }) => ({
  status: 201,
  body: await grantPairOverride(tx, pathId(params.id, 'Client'), input, actor),
}));

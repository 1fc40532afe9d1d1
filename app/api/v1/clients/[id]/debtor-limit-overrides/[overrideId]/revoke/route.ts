import { apiRoute, pathId } from '@/lib/http/api';
import { revokeOverrideSchema, revokePairOverride } from '@/lib/intake/pair-limits';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 4: revokes a client–debtor limit override before its `until` — `{"reason"}` → 200
 * the override (`active` false, `revokedBy`, `revokedAt`, `revokedReason`). Fundings after it no
 * longer count the override. 404 for an override not of this client; 409 `already_revoked`,
 * `override_expired`.
 */
export const POST = apiRoute('pair_limit.override', revokeOverrideSchema, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await revokePairOverride(tx, pathId(params.id, 'Client'), pathId(params.overrideId, 'Override'), input, actor),
}));

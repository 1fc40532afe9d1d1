import { APPROVER_ROLES, rejectFundingBatch } from '@/lib/funding';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** Rejects a held batch with a reason (400 without one). */
export const POST = apiRoute<{ id: string }>(APPROVER_ROLES, async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await rejectFundingBatch(tx, pathId(params.id, 'Funding batch'), (body as { reason?: unknown })?.reason, actor),
}));

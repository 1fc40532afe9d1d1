import { apiRoute, pathId } from '@/lib/http/api';
import { APPROVER_ROLES, rejectRelease } from '@/lib/releases';

export const dynamic = 'force-dynamic';

/** API.md: reject with {"reason"} (400 without one). */
export const POST = apiRoute<{ id: string }>(APPROVER_ROLES, async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await rejectRelease(tx, pathId(params.id, 'Release'), (body ?? {}) as { reason?: unknown }, actor),
}));

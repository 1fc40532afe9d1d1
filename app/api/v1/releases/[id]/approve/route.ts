import { afterRelease } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { APPROVER_ROLES, approveRelease } from '@/lib/releases';

export const dynamic = 'force-dynamic';

/** API.md: approve (the cycle's creator may not: 403); {"amount"} approves part. Posted and paid at once. */
export const POST = apiRoute<{ id: string }>(APPROVER_ROLES, async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await approveRelease(tx, pathId(params.id, 'Release'), (body ?? {}) as { amount?: unknown }, actor),
  after: afterRelease,
}));

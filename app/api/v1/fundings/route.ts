import { afterFunding } from '@/jobs/after-commit';
import { FUNDING_ROLES, fundBatch } from '@/lib/funding';
import { apiRoute } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * API.md: POST /fundings → 201, `funded` or `pending_approval` with its holds (nothing posted
 * until approved).
 */
export const POST = apiRoute(FUNDING_ROLES, async ({ tx, actor, body }) => {
  const batch = await fundBatch(tx, body as never, actor);
  return { status: 201, body: batch, after: afterFunding };
});

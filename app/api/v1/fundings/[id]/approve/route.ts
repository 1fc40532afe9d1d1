import { afterFunding } from '@/jobs/after-commit';
import { APPROVER_ROLES, approveFundingBatch } from '@/lib/funding';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** An approver other than the requester releases a held batch (403 for the requester). */
export const POST = apiRoute<{ id: string }>(APPROVER_ROLES, async ({ tx, actor, params }) => ({
  status: 200,
  body: await approveFundingBatch(tx, pathId(params.id, 'Funding batch'), actor),
  after: afterFunding,
}));

import { afterFunding } from '@/jobs/after-commit';
import { approveFundingBatch } from '@/lib/funding';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** An approver other than the requester releases a held batch (no body; 403 for the requester). */
export const POST = apiRoute('funding.approve', async ({ tx, actor, params }) => ({
  status: 200,
  body: await approveFundingBatch(tx, pathId(params.id, 'Funding batch'), actor),
  after: afterFunding,
}));

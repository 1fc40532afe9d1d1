import { describeJob } from '@/jobs/status';
import { apiRoute } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * GET /jobs/{id} — a background job started through the API (`fee-accrual:12` from POST
 * /accruals' 202, `statements:3` from POST /statement-runs): {"jobId","queue","status":
 * "waiting|running|completed|failed","progress","result","error","run"}.
 */
export const GET = apiRoute('staff.read', async ({ tx, params }) => ({
  status: 200,
  body: await describeJob(tx, params.id ?? ''),
}));

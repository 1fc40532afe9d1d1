import { z } from 'zod';
import { enqueueStatements } from '@/jobs/queues';
import { isBusinessDate, todayIn } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { STATEMENT_RUN_ROLES, assertClientsExist, parsePeriod, previousMonth } from '@/lib/statements';
import { parseInput } from '@/lib/validation';

export const dynamic = 'force-dynamic';

const body = z.object({
  from: z.string().refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }).optional(),
  to: z.string().refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }).optional(),
  clientIds: z.array(z.union([z.string().regex(/^[1-9]\d*$/, { error: 'must be a client id' }), z.number().int().positive()]).transform(String), { error: 'must be a list of client ids' }).optional(),
});

/**
 * POST /statement-runs {"from","to","clientIds"} — statements for a period (default: last month)
 * for the clients named or every client with reserve activity, as the background `statements`
 * job (the monthly one, on demand) → 202 with the job id (`statements:3`); progress at GET /jobs/{id}
 * and in Reports → job runs.
 */
export const POST = apiRoute(
  STATEMENT_RUN_ROLES,
  async ({ tx, actor, body: raw }) => {
    const data = parseInput(body, raw);
    const period = data.from === undefined && data.to === undefined ? previousMonth(todayIn()) : parsePeriod({ from: data.from, to: data.to }, todayIn());
    if (data.clientIds) await assertClientsExist(tx, data.clientIds); // an unknown id is a 404, not a queued job that does nothing
    const jobId = await enqueueStatements({ reason: 'api', from: period.from, to: period.to, clientIds: data.clientIds, requestedBy: actor.label });
    return { status: 202, body: { jobId, status: 'queued', poll: `/api/v1/jobs/${jobId}`, from: period.from, to: period.to, clients: data.clientIds ?? 'all with reserve activity' } };
  },
  // Queued with no transaction open: Redis is never waited for while a connection is held.
  { transaction: false },
);

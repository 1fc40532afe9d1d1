import { z } from 'zod';
import { enqueueStatements } from '@/jobs/queues';
import { todayIn } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { assertClientsExist, parsePeriod, previousMonth } from '@/lib/statements';
import { array, businessDate, id, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"from","to","clientIds"}: all optional (default: last month, every client with reserve activity). */
const body = z.object({
  from: optional(businessDate('Period start')),
  to: optional(businessDate('Period end')),
  clientIds: optional(array('Clients', id('Client'), { max: 100_000 })),
});

/**
 * POST /statement-runs {"from","to","clientIds"} — statements for a period (default: last month)
 * for the clients named or every client with reserve activity, as the background `statements`
 * job (the monthly one, on demand) → 202 with the job id (`statements:3`); progress at GET /jobs/{id}
 * and in Reports → job runs.
 */
export const POST = apiRoute(
  'statement.run',
  body,
  async ({ tx, actor, input }) => {
    const period = input.from === undefined && input.to === undefined ? previousMonth(todayIn()) : parsePeriod({ from: input.from, to: input.to }, todayIn());
    const clientIds = input.clientIds?.map(String);
    if (clientIds) await assertClientsExist(tx, clientIds); // an unknown id is a 404, not a queued job that does nothing
    const jobId = await enqueueStatements({ reason: 'api', from: period.from, to: period.to, clientIds, requestedBy: actor.label });
    return {
      status: 202,
      body: { jobId, status: 'queued', poll: `/api/v1/jobs/${jobId}`, from: period.from, to: period.to, clients: clientIds ?? 'all with reserve activity' },
    };
  },
  // Queued with no transaction open: Redis is never waited for while a connection is held.
  { transaction: false },
);

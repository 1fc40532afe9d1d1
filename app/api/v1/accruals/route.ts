import { z } from 'zod';
import { QUEUE_NAMES, enqueue, waitForJob } from '@/jobs/queues';
import { publicJobError } from '@/jobs/status';
import { assertBusinessDateInWindow } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api';
import { businessDate } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ asOf: businessDate('Accrual date') });

/** How long POST /accruals waits for the worker before answering 202 (`ACCRUAL_WAIT_MS`, 20 s). */
function accrualWaitMs(): number {
  const v = process.env.ACCRUAL_WAIT_MS;
  return v && /^\d{1,7}$/.test(v) ? Number(v) : 20_000;
}

/**
 * API.md: POST /accruals {"asOf"} runs the fee accrual through that date — the same job the
 * scheduler runs, waited for — → 200 {"asOf","invoices","posted"}; again for the same date posts
 * "0.00". The job is queued and waited for a bounded time, holding no database connection: a
 * long accrual answers 202 {"jobId","status":"running","poll"} and GET /jobs/{id} has the rest.
 */
export const POST = apiRoute(
  'accrual.run',
  body,
  async ({ actor, input: { asOf } }) => {
    assertBusinessDateInWindow(asOf, 'Accrual date', 'happened', { field: 'asOf' }); // fees accrue through days that have come
    const jobId = await enqueue(QUEUE_NAMES.feeAccrual, 'api', { reason: 'api', asOf, requestedBy: actor.label }, { attempts: 1 });
    const job = await waitForJob(jobId, accrualWaitMs());
    if (job?.status === 'completed') return { status: 200, body: job.result };
    if (job?.status === 'failed') {
      throw new DomainError('accrual_failed', `The accrual failed: ${publicJobError(job.error)}`, { status: 422, details: { jobId } });
    }
    return { status: 202, body: { jobId, status: 'running', poll: `/api/v1/jobs/${jobId}` } };
  },
  // Waits for the worker: no transaction is held open meanwhile (a request never waits on a worker with a connection).
  { transaction: false },
);

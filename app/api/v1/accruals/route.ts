import { z } from 'zod';
import { QUEUE_NAMES, runAndWait } from '@/jobs/queues';
import { assertBusinessDateInWindow, isBusinessDate } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api';
import { parseInput } from '@/lib/validation';

export const dynamic = 'force-dynamic';

const body = z.object({ asOf: z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }) });

/**
 * API.md: POST /accruals {"asOf"} runs the fee accrual through that date — the same job the
 * scheduler runs, waited for — → 200 {"asOf","invoices","posted"}; again for the same date posts "0.00".
 */
export const POST = apiRoute(['controller', 'admin'], async ({ actor, body: raw }) => {
  const { asOf } = parseInput(body, raw);
  assertBusinessDateInWindow(asOf, 'Accrual date', 'happened', { field: 'asOf' }); // fees accrue through days that have come
  try {
    const result = await runAndWait(QUEUE_NAMES.feeAccrual, 'api', { reason: 'api', asOf, requestedBy: actor.label });
    return { status: 200, body: result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/timed out|Job wait/i.test(message)) {
      throw new DomainError('worker_unavailable', 'No worker finished the accrual in time; is `npm run worker` running?', { status: 503 });
    }
    throw new DomainError('accrual_failed', `The accrual failed: ${message}`, { status: 422 });
  }
});

'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { QUEUE_NAMES, enqueue, waitForJob } from '@/jobs/queues';
import { publicJobError } from '@/jobs/status';
import { assertBusinessDateInWindow } from '@/lib/dates';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { businessDate } from '@/lib/validation/fields';

/** How long the form waits for the worker before saying the accrual runs on (`ACCRUAL_WAIT_MS`, 20 s). */
function accrualWaitMs(): number {
  const v = process.env.ACCRUAL_WAIT_MS;
  return v && /^\d{1,7}$/.test(v) ? Number(v) : 20_000;
}

/**
 * Runs the fee accrual through a date now (the scheduled job): queued, then waited for a bounded
 * time; a long one goes on in the worker and shows under job runs. Redis down is a message
 * within seconds (queue_unavailable), never a form that spins forever. No transaction: the
 * request holds no connection while it waits on the worker.
 */
export const runAccrualAction = formAction(
  'accrual.run',
  z.object({ asOf: businessDate('Accrue fees through') }),
  async ({ input, actor }) => {
    const asOf = assertBusinessDateInWindow(input.asOf, 'Accrual date', 'happened', { field: 'asOf' });
    const jobId = await enqueue(QUEUE_NAMES.feeAccrual, 'console', { reason: 'console', asOf, requestedBy: actor.label }, { attempts: 1 });
    const job = await waitForJob(jobId, accrualWaitMs());
    revalidatePath('/reports');
    if (job?.status === 'failed') return { ok: false, message: `The accrual failed: ${publicJobError(job.error)}` };
    if (job?.status !== 'completed') return { message: `The accrual through ${asOf} is running (job ${jobId}); its progress is under job runs below.` };
    const result = job.result as { postedByCurrency?: Record<string, string>; dates: string[] };
    const posted = Object.entries(result.postedByCurrency ?? {}).map(([currency, amount]) => displayMoney(amount, currency));
    return {
      message:
        result.dates.length === 0
          ? `Everything was accrued through ${asOf} already; nothing posted.`
          : `Accrued ${result.dates.length} day(s) through ${asOf}: ${posted.length > 0 ? posted.join(', ') : 'nothing'} posted.`,
    };
  },
  { transaction: false },
);

'use server';

import { revalidatePath } from 'next/cache';
import { QUEUE_NAMES, enqueue, waitForJob } from '@/jobs/queues';
import { publicJobError } from '@/jobs/status';
import { actionActor } from '@/lib/auth/session';
import { assertBusinessDateInWindow } from '@/lib/dates';
import { runAction, type ActionState } from '@/lib/http/action';

/** How long the form waits for the worker before saying the accrual runs on (`ACCRUAL_WAIT_MS`, 20 s). */
function accrualWaitMs(): number {
  const v = process.env.ACCRUAL_WAIT_MS;
  return v && /^\d{1,7}$/.test(v) ? Number(v) : 20_000;
}

/**
 * Runs the fee accrual through a date now (the scheduled job): queued, then waited for a bounded
 * time; a long one goes on in the worker and shows under job runs. Redis down is a message
 * within seconds (queue_unavailable), never a form that spins forever.
 */
export async function runAccrualAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('controller', 'admin');
    const asOf = assertBusinessDateInWindow(String(form.get('asOf') ?? ''), 'Accrual date', 'happened', { field: 'asOf' });
    const jobId = await enqueue(QUEUE_NAMES.feeAccrual, 'console', { reason: 'console', asOf, requestedBy: actor.label }, { attempts: 1 });
    const job = await waitForJob(jobId, accrualWaitMs());
    revalidatePath('/reports');
    if (job?.status === 'failed') return { ok: false, message: `The accrual failed: ${publicJobError(job.error)}` };
    if (job?.status !== 'completed') return { ok: true, message: `The accrual through ${asOf} is running (job ${jobId}); its progress is under job runs below.` };
    const result = job.result as { posted: string; invoices: number; dates: string[] };
    return {
      ok: true,
      message: result.dates.length === 0 ? `Everything was accrued through ${asOf} already; nothing posted.` : `Accrued ${result.dates.length} day(s) through ${asOf}: ${result.posted} posted.`,
    };
  });
}

'use server';

import { revalidatePath } from 'next/cache';
import { QUEUE_NAMES, runAndWait } from '@/jobs/queues';
import { actionActor } from '@/lib/auth/session';
import { assertBusinessDateInWindow } from '@/lib/dates';
import { runAction, type ActionState } from '@/lib/http/action';

/** Runs the fee accrual through a date now (the scheduled job, waited for). */
export async function runAccrualAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('controller', 'admin');
    const asOf = assertBusinessDateInWindow(String(form.get('asOf') ?? ''), 'Accrual date', 'happened', { field: 'asOf' });
    const result = (await runAndWait(QUEUE_NAMES.feeAccrual, 'console', { reason: 'console', asOf, requestedBy: actor.label }, 600_000)) as {
      posted: string;
      invoices: number;
      dates: string[];
    };
    revalidatePath('/reports');
    return {
      ok: true,
      message: result.dates.length === 0 ? `Everything was accrued through ${asOf} already; nothing posted.` : `Accrued ${result.dates.length} day(s) through ${asOf}: ${result.posted} posted.`,
    };
  });
}

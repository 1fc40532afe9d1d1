'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { afterFunding } from '@/jobs/after-commit';
import { actionActor } from '@/lib/auth/session';
import { decideAgreementChange } from '@/lib/clients/onboarding';
import { approveFundingBatch, rejectFundingBatch } from '@/lib/funding';
import { runAction, type ActionState } from '@/lib/http/action';

/** Approve or reject what waits in the queue; the lib commands enforce maker ≠ checker. */
export async function decideAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('approver', 'controller');
    const kind = String(form.get('kind'));
    const targetId = Number(form.get('targetId'));
    const decision = form.get('decision') === 'approve' ? 'approve' : 'reject';
    const reason = String(form.get('reason') ?? '');
    const db = getDatabase();
    let message: string;
    if (kind === 'funding_batch') {
      if (decision === 'approve') {
        const batch = await db.transaction((tx) => approveFundingBatch(tx, targetId, actor));
        await afterFunding().catch(() => {});
        message = `Funding batch ${batch.id} approved and funded: ${batch.totalAdvance} ${batch.currency} advanced.`;
      } else {
        await db.transaction((tx) => rejectFundingBatch(tx, targetId, reason, actor));
        message = `Funding batch ${targetId} rejected.`;
      }
    } else if (kind === 'agreement_change') {
      const result = await db.transaction((tx) => decideAgreementChange(tx, targetId, decision, reason, actor));
      message = `Agreement version ${result.version} ${result.status}.`;
    } else {
      return { ok: false, message: `Requests of kind ${kind} are decided elsewhere.` };
    }
    revalidatePath('/approvals');
    revalidatePath('/fundings');
    return { ok: true, message };
  });
}

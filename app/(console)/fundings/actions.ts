'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { afterFunding } from '@/jobs/after-commit';
import { actionActor } from '@/lib/auth/session';
import { fundBatch, previewFunding, type FundingBatchView } from '@/lib/funding';
import { runAction, type ActionState } from '@/lib/http/action';

export interface BuilderState extends ActionState {
  batch?: FundingBatchView;
}

/** The batch builder's one form: "Preview" shows the split and holds; "Fund batch" submits it. */
export async function builderAction(_prev: BuilderState, form: FormData): Promise<BuilderState> {
  return runAction(async () => {
    const intent = form.get('intent') === 'fund' ? 'fund' : 'preview';
    const actor = await actionActor('funding');
    const input = { clientId: String(form.get('clientId') ?? ''), invoiceIds: form.getAll('invoiceId').map(String), fundingDate: String(form.get('fundingDate') ?? '') };
    if (intent === 'preview') {
      const batch = await getDatabase().transaction((tx) => previewFunding(tx, input, actor));
      return { ok: true, message: batch.holds.length > 0 ? 'This batch would wait for approval: see the holds below.' : 'Preview: nothing is posted until you fund the batch.', batch };
    }
    const batch = await getDatabase().transaction((tx) => fundBatch(tx, input, actor));
    await afterFunding().catch(() => {});
    revalidatePath('/fundings');
    return {
      ok: true,
      message:
        batch.status === 'funded'
          ? `Funding batch ${batch.id} is funded: ${batch.totalAdvance} ${batch.currency} advanced.`
          : `Funding batch ${batch.id} waits for approval (${batch.holds.map((h) => h.code).join(', ')}).`,
      batch,
    };
  }) as Promise<BuilderState>;
}

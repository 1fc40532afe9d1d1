'use server';

import { revalidatePath } from 'next/cache';
import { askToConfirm, count, type ConfirmRequest } from '@/app/_components/confirm';
import { afterFunding } from '@/jobs/after-commit';
import { requirePermission } from '@/lib/auth/permissions';
import { DomainError } from '@/lib/errors';
import { fundBatch, fundingInputSchema, previewFunding, type FundingBatchView } from '@/lib/funding';
import type { ActionState } from '@/lib/http/action-state';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { choice, optional, text } from '@/lib/validation/fields';

export interface BuilderState extends ActionState {
  batch?: FundingBatchView;
  confirm?: ConfirmRequest;
}

/** What a Fund confirmation is about: the advance, its currency and how many invoices. */
const confirmToken = (batch: FundingBatchView) => `${batch.invoices.length}:${batch.totalAdvance}:${batch.currency}`;

function question(batch: FundingBatchView): string {
  const held = batch.holds.length > 0 ? ' It breaches a limit, so it will wait for an approver (see the holds below).' : '';
  return `Fund ${count(batch.invoices.length, 'invoice')}: advance ${displayMoney(batch.totalAdvance, batch.currency)}?${held}`;
}

const builderForm = fundingInputSchema.extend({
  intent: choice('Action', ['preview', 'fund'], { preview: 'Preview', fund: 'Fund batch' }),
  confirmed: optional(text('Confirmation', { max: 200 })),
});

/**
 * The batch builder's one form: "Preview" shows the split and the holds; "Fund batch" first asks
 * "Fund 4 invoices: advance 30,000.00 USD?" (the advance computed here, as the preview does) and
 * funds only when confirmed with that same advance — if the invoices or the terms changed since,
 * nothing is funded and it asks again.
 */
export const builderAction = formAction('funding.preview', builderForm, async ({ tx, input, actor, after }) => {
  const { intent, confirmed, ...batchInput } = input;
  if (intent === 'preview') {
    const batch = await previewFunding(tx, batchInput, actor);
    return {
      message: batch.holds.length > 0 ? 'This batch would wait for approval: see the holds below.' : 'Preview: nothing is posted until you fund the batch.',
      batch,
    };
  }
  requirePermission(actor, 'funding.fund');
  if (confirmed === undefined) {
    const batch = await previewFunding(tx, batchInput, actor);
    return { ...askToConfirm(question(batch), confirmToken(batch), 'Confirm'), batch };
  }
  const batch = await fundBatch(tx, batchInput, actor);
  if (confirmToken(batch) !== confirmed) {
    // Thrown, so the transaction rolls back: nothing is funded that was not confirmed.
    throw new DomainError(
      'changed_since_confirmed',
      `Nothing was funded: the batch is now ${count(batch.invoices.length, 'invoice')} with an advance of ${displayMoney(batch.totalAdvance, batch.currency)}, not what you confirmed. Preview it and fund again.`,
      {
        status: 409,
      },
    );
  }
  if (batch.status === 'funded') after('the concentration check', afterFunding);
  revalidatePath('/fundings');
  return {
    message:
      batch.status === 'funded'
        ? `Funding batch ${batch.id} is funded: ${displayMoney(batch.totalAdvance, batch.currency)} advanced.`
        : `Funding batch ${batch.id} waits for approval (${batch.holds.map((h) => h.code).join(', ')}).`,
    batch,
  };
});

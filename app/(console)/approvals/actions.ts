'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm, count } from '@/app/_components/confirm';
import { afterFunding } from '@/jobs/after-commit';
import { decideAgreementChange } from '@/lib/clients/onboarding';
import { DomainError } from '@/lib/errors';
import { approveFundingBatch, getFundingBatch, rejectFundingBatch, type FundingBatchView } from '@/lib/funding';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { choice, id, optional, text } from '@/lib/validation/fields';

/** Approve, or reject with a reason (said under the reason field when it is missing). */
const decisionForm = z
  .object({
    targetId: id('Request'),
    decision: choice('Decision', ['approve', 'reject'], { approve: 'Approve', reject: 'Reject' }),
    reason: optional(text('Reason', { max: 2000 })),
    confirmed: optional(text('Confirmation', { max: 200 })),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Reason is required to reject' });
  });

function refresh() {
  revalidatePath('/approvals');
  revalidatePath('/fundings');
}

const batchToken = (batch: FundingBatchView) => `${batch.invoices.length}:${batch.totalAdvance}:${batch.currency}`;

/**
 * A held funding batch: Approve first asks "Approve funding batch 12: fund 1 invoice, advance
 * 4,000.00 USD?" and funds only that advance (the checks run again when it is approved; if the
 * advance came out otherwise, nothing is funded and it asks again). The lib command enforces
 * maker ≠ checker.
 */
export const decideFundingBatchAction = formAction('funding.approve', decisionForm, async ({ tx, input, actor, after }) => {
  if (input.decision === 'reject') {
    await rejectFundingBatch(tx, input.targetId, input.reason, actor);
    refresh();
    return { message: `Funding batch ${input.targetId} rejected.` };
  }
  if (input.confirmed === undefined) {
    const held = await getFundingBatch(tx, input.targetId, actor);
    return askToConfirm(
      `Approve funding batch ${input.targetId}: fund ${count(held.invoices.length, 'invoice')}, advance ${displayMoney(held.totalAdvance, held.currency)}?`,
      batchToken(held),
    );
  }
  const batch = await approveFundingBatch(tx, input.targetId, actor);
  if (batchToken(batch) !== input.confirmed) {
    throw new DomainError(
      'changed_since_confirmed',
      `Nothing was funded: funding batch ${batch.id} now comes to ${displayMoney(batch.totalAdvance, batch.currency)} for ${count(batch.invoices.length, 'invoice')}, not what you confirmed. Approve it again to see the new figure.`,
      {
        status: 409,
      },
    );
  }
  after('the concentration check', afterFunding);
  refresh();
  return { message: `Funding batch ${batch.id} approved and funded: ${displayMoney(batch.totalAdvance, batch.currency)} advanced.` };
});

/** An agreement version proposed by an underwriter: approved or rejected by someone else. */
export const decideAgreementChangeAction = formAction('agreement.approve', decisionForm, async ({ tx, input, actor }) => {
  const result = await decideAgreementChange(tx, input.targetId, input.decision, input.reason, actor);
  refresh();
  return { message: `Agreement version ${result.version} ${result.status}.` };
});

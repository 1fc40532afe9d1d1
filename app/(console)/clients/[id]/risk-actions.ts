'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm } from '@/app/_components/confirm';
import { decideAgreementChange } from '@/lib/clients/onboarding';
import { DomainError } from '@/lib/errors';
import { formAction } from '@/lib/http/form-action';
import { Big } from '@/lib/money';
import { clientRisk } from '@/lib/risk';
import { choice, id, optional, text } from '@/lib/validation/fields';

const pct = (rate: string) => `${new Big(rate).times(100).toFixed()}%`;

const bandDecision = z
  .object({
    clientId: id('Client'),
    agreementId: id('Agreement version'),
    decision: choice('Decision', ['approve', 'reject'], { approve: 'Accept', reject: 'Reject' }),
    reason: optional(text('Reason', { max: 2000 })),
    confirmed: optional(text('Confirmation', { max: 200 })),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Reason is required to reject' });
  });

/**
 * Issue 16: an approver accepts or rejects the band change the risk-scores job proposed (the
 * client page's Risk section). It first asks, naming the new reserve rate; the decision is
 * decideAgreementChange's (maker-checker, audit, the effective date set to today).
 */
export const decideBandChangeAction = formAction('agreement.approve', bandDecision, async ({ tx, input, actor }) => {
  const risk = await clientRisk(tx, input.clientId, actor);
  const pending = risk.pending;
  if (!pending || Number(pending.agreementId) !== input.agreementId) {
    throw new DomainError('already_decided', 'This band change is no longer waiting for a decision; reload the page', { status: 409 });
  }
  const token = `${pending.agreementId}:${input.decision}:${pending.reserveRate}`;
  if (input.confirmed !== token) {
    return askToConfirm(
      input.decision === 'approve'
        ? `Accept risk band ${pending.toBand}: reserve rate ${pct(pending.reserveRate)} and ${pending.holdDays} days' holding from today's fundings on?`
        : `Reject the change to risk band ${pending.toBand} (reserve rate ${pct(pending.reserveRate)})?`,
      token,
      input.decision === 'approve' ? 'Accept' : 'Reject',
    );
  }
  const result = await decideAgreementChange(tx, input.agreementId, input.decision, input.reason, actor);
  revalidatePath(`/clients/${input.clientId}`);
  revalidatePath('/approvals');
  return { message: `Risk band change ${result.status}: agreement version ${result.version}.` };
});

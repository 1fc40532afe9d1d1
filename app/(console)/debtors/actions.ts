'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm, count } from '@/app/_components/confirm';
import { afterFunding } from '@/jobs/after-commit';
import { createDebtor, updateDebtor } from '@/lib/debtors';
import { approveDebtorMerge, getDebtorMerge, rejectDebtorMerge, requestDebtorMerge } from '@/lib/debtors/merge';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { choice, formMoney, id, optional, text } from '@/lib/validation/fields';

/** Debtors' credit limits are kept in the base currency (lib/debtors shows them as USD). */
const LIMIT_CURRENCY = 'USD';

const newDebtorForm = z.object({
  name: text('Debtor name', { max: 200 }),
  creditLimit: formMoney('Credit limit', { currency: LIMIT_CURRENCY }),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

/** SPEC 2: a debtor with its credit limit and risk rating (underwriters). */
export const createDebtorAction = formAction('debtor.edit', newDebtorForm, async ({ tx, input, actor }) => {
  const debtor = await createDebtor(tx, input, actor);
  revalidatePath('/debtors');
  return { message: `${debtor.name} is added with a credit limit of ${displayMoney(debtor.creditLimit, LIMIT_CURRENCY)}.` };
});

const editDebtorForm = z.object({
  debtorId: id('Debtor'),
  creditLimit: optional(formMoney('Credit limit', { currency: LIMIT_CURRENCY })),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

/** One row's credit limit and risk rating; an empty field leaves it as it is. */
export const updateDebtorAction = formAction('debtor.edit', editDebtorForm, async ({ tx, input, actor }) => {
  const debtor = await updateDebtor(tx, input.debtorId, { creditLimit: input.creditLimit, riskRating: input.riskRating }, actor);
  revalidatePath('/debtors');
  revalidatePath(`/debtors/${input.debtorId}`);
  return { message: `Saved: ${displayMoney(debtor.creditLimit, LIMIT_CURRENCY)}, ${debtor.riskRating}.` };
});

const mergeRequestForm = z.object({
  debtorId: id('Debtor'),
  intoDebtorId: id('Debtor to merge into'),
  reason: text('Reason', { max: 2000 }),
});

/** Issue 13: propose merging this debtor (a duplicate) into another; someone else decides. */
export const requestDebtorMergeAction = formAction('debtor.merge_request', mergeRequestForm, async ({ tx, input, actor }) => {
  const merge = await requestDebtorMerge(tx, input.debtorId, { intoDebtorId: input.intoDebtorId, reason: input.reason }, actor);
  revalidatePath(`/debtors/${input.debtorId}`);
  return {
    message: `Proposed: merge ${merge.debtorName} into ${merge.intoDebtorName} (request ${merge.id}). Someone else with the permission approves or rejects it.`,
  };
});

const mergeDecisionForm = z
  .object({
    mergeId: id('Merge request'),
    decision: choice('Decision', ['approve', 'reject'], { approve: 'Approve', reject: 'Reject' }),
    reason: optional(text('Reason', { max: 2000 })),
    confirmed: optional(text('Confirmation', { max: 200 })),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Reason is required to reject' });
  });

/**
 * Approve asks first — "Merge Globex Retail (#4) into Globex Retail Inc (#2): its 1,204 invoices,
 * payments, aliases and notices move there?" — and merges only what it asked about (the count of
 * invoices is the token: if it changed, it asks again). Reject needs a reason. The lib command
 * refuses the maker.
 */
export const decideDebtorMergeAction = formAction('debtor.merge_approve', mergeDecisionForm, async ({ tx, input, actor, after }) => {
  if (input.decision === 'reject') {
    const merge = await rejectDebtorMerge(tx, input.mergeId, { reason: input.reason }, actor);
    revalidatePath(`/debtors/${merge.debtorId}`);
    return { message: `Merge of ${merge.debtorName} into ${merge.intoDebtorName} rejected.` };
  }
  const merge = await getDebtorMerge(tx, input.mergeId, actor);
  const [{ n }] = (await tx.sql`select coalesce(sum(invoices), 0)::int as n from debtor_exposure_now where debtor_id = ${merge.debtorId}`) as unknown as [
    { n: number },
  ];
  if (input.confirmed === undefined || input.confirmed !== String(n)) {
    return askToConfirm(
      `Merge ${merge.debtorName} (#${merge.debtorId}) into ${merge.intoDebtorName} (#${merge.intoDebtorId}): its ${count(n, 'invoice')}, payments, payer names and notices move there, and ${merge.intoDebtorName} keeps its own credit limit?`,
      String(n),
      'Merge',
    );
  }
  const done = await approveDebtorMerge(tx, input.mergeId, actor);
  after('the concentration check', afterFunding);
  revalidatePath(`/debtors/${done.debtorId}`);
  revalidatePath(`/debtors/${done.intoDebtorId}`);
  return {
    message: `Merged ${done.debtorName} into ${done.intoDebtorName}: ${count(done.moved.invoices ?? 0, 'invoice')} and ${count(done.moved.payments ?? 0, 'payment')} moved.`,
  };
});

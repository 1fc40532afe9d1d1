'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDatabase } from '@/db/client';
import { afterPayoutAccountChange, afterStatements } from '@/jobs/after-commit';
import { askToConfirm } from '@/app/_components/confirm';
import { agreementFormSchema } from '@/lib/agreements/form';
import { createClient } from '@/lib/clients';
import { setContactPreferences } from '@/lib/clients/contacts';
import { KYB_ITEMS, proposeAgreementChange, reviewClient, setClientStatus, setKybItem, submitForReview } from '@/lib/clients/onboarding';
import { payoutAccountFormSchema } from '@/lib/clients/payout-account';
import {
  approvePayoutAccountChange,
  cancelPayoutAccountChange,
  getPayoutAccountChange,
  rejectPayoutAccountChange,
  requestPayoutAccountChange,
} from '@/lib/clients/payout-changes';
import { recordNoa } from '@/lib/debtors';
import { todayIn } from '@/lib/dates';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { agreementPreviewAsOf, agreementSubject, assertPreviewed } from '@/lib/releases/what-if-digest';
import { issueStatement } from '@/lib/statements';
import { businessDate, checkbox, choice, currency, email, id, optional, text } from '@/lib/validation/fields';

function revalidateClient(id: number) {
  revalidatePath('/clients');
  revalidatePath(`/clients/${id}`);
}

const clientId = id('Client');

/** The New client form: the client, its first contact and its first agreement (SPEC 2). */
const newClientSchema = agreementFormSchema(
  {
    name: text('Client name', { max: 200 }),
    currency: currency('Home currency'),
    contactName: optional(text('Contact name', { max: 200 })),
    contactEmail: optional(email('Contact email')),
  },
  (v, ctx) => {
    // a contact is a name and an email: one without the other is half a contact
    if (typeof v.contactName === 'string' && !v.contactEmail)
      ctx.addIssue({ code: 'custom', path: ['contactEmail'], message: 'Contact email is required with a contact name' });
    if (typeof v.contactEmail === 'string' && !v.contactName)
      ctx.addIssue({ code: 'custom', path: ['contactName'], message: 'Contact name is required with a contact email' });
  },
);

/** SPEC 2: a new client starts as a prospect with its first agreement version. */
export const createClientAction = formAction('client.create', newClientSchema, async ({ tx, input, actor }) => {
  const contacts = input.contactName && input.contactEmail ? [{ name: input.contactName, email: input.contactEmail }] : undefined;
  const client = await createClient(tx, { name: input.name, currency: input.currency, contacts, agreement: input.agreement }, actor);
  revalidatePath('/clients');
  return { message: `${client.name} is created as a prospect (client ${client.id}). Open it to work through the KYB checklist.` };
});

// (schemas stay outside the exports: in a 'use server' module every function there must be async)
const kybSchema = z.object({ clientId, item: choice('Checklist item', KYB_ITEMS.map((i) => i.key) as [string, ...string[]]), done: checkbox('Done') });

export const setKybAction = formAction('client.onboard', kybSchema, async ({ tx, input, actor }) => {
  await setKybItem(tx, input.clientId, input.item, input.done, actor);
  revalidateClient(input.clientId);
  return { message: input.done ? 'Saved: done' : 'Saved: not done' };
});

export const submitForReviewAction = formAction('client.onboard', z.object({ clientId }), async ({ tx, input, actor }) => {
  const client = await submitForReview(tx, input.clientId, actor);
  revalidateClient(input.clientId);
  revalidatePath('/approvals');
  return { message: `${client.name} waits for review by another underwriter.` };
});

/** The second underwriter's review; the lib refuses the one who entered or submitted the client. */
export const reviewClientAction = formAction(
  'client.activate',
  z.object({ clientId, decision: choice('Decision', ['activate', 'return'] as const), reason: optional(text('Reason for returning', { max: 1000 })) }),
  async ({ tx, input, actor }) => {
    const client = await reviewClient(tx, input.clientId, input.decision, input.reason, actor);
    revalidateClient(input.clientId);
    revalidatePath('/approvals');
    return { message: input.decision === 'activate' ? `${client.name} is active.` : `${client.name} is returned to prospect.` };
  },
);

export const setClientStatusAction = formAction(
  'client.onboard',
  z.object({ clientId, status: choice('Status', ['active', 'suspended', 'closed'] as const), reason: optional(text('Reason', { max: 1000 })) }),
  async ({ tx, input, actor }) => {
    const client = await setClientStatus(tx, input.clientId, input.status, input.reason, actor);
    revalidateClient(input.clientId);
    const escrow = (client.escrowReleases ?? []).map((r) => displayMoney(r.amount, r.currency));
    if (escrow.length > 0) revalidatePath('/releases');
    return {
      message:
        escrow.length > 0
          ? `${client.name} is ${client.status}. The escrow of ${escrow.join(' and ')} is requested for release; an approver must approve it.`
          : `${client.name} is ${client.status}.`,
    };
  },
);

/** SPEC 2: notice of assignment per client–debtor pair. */
export const recordNoaAction = formAction(
  'debtor.edit',
  z.object({
    clientId,
    debtorId: id('Debtor'),
    sentDate: optional(businessDate('Notice sent on')),
    acknowledgedDate: optional(businessDate('Acknowledged on')),
  }),
  async ({ tx, input, actor }) => {
    const noa = await recordNoa(tx, input.clientId, { debtorId: input.debtorId, sentDate: input.sentDate, acknowledgedDate: input.acknowledgedDate }, actor);
    revalidateClient(input.clientId);
    const dates = [noa.sentDate ? `sent ${noa.sentDate}` : 'not sent', noa.acknowledgedDate ? `acknowledged ${noa.acknowledgedDate}` : null]
      .filter(Boolean)
      .join(', ');
    return { message: `Notice of assignment to ${noa.debtorName}: ${dates}.` };
  },
);

/** SPEC 2: a change of terms is a new effective-dated version that waits for approval. */
export const proposeAgreementAction = formAction(
  'agreement.propose',
  // `currency`: the client's home currency, so amounts are checked against its minor units
  agreementFormSchema({
    clientId,
    effectiveFrom: businessDate('Effective from'),
    currency: optional(currency('Currency')),
    whatIfDigest: optional(text('Preview', { max: 200 })),
  }),
  async ({ tx, input, actor }) => {
    // issue 16 item 2: only terms whose what-if was shown (the preview's digest sent back; the API is not bound by it)
    assertPreviewed(input.whatIfDigest, agreementSubject(input), agreementPreviewAsOf(input.effectiveFrom, todayIn()));
    const version = await proposeAgreementChange(tx, input.clientId, { effectiveFrom: input.effectiveFrom, agreement: input.agreement }, actor);
    revalidateClient(input.clientId);
    revalidatePath('/approvals');
    return { message: `Agreement version ${version.version} waits for approval by an approver.` };
  },
);

/**
 * SPEC 7/8: the client's reserve statement for a period — the stored one, or issued now from
 * the ledger (the same lib command as the API's POST /clients/{id}/statements; a GET never
 * issues). No surrounding transaction: the command looks for the stored one first and then
 * issues in its own; the statement-ready emails are sent after the commit.
 */
export const generateStatementAction = formAction(
  'statement.issue',
  z.object({ clientId, from: businessDate('Period from'), to: businessDate('Period to') }),
  async ({ input, actor, after }) => {
    const { statement, created, emailed } = await issueStatement(getDatabase(), { clientId: input.clientId, from: input.from, to: input.to }, actor, {
      permission: 'statement.issue',
    });
    if (emailed > 0) after('sending the statement emails now', afterStatements);
    revalidateClient(input.clientId);
    const closing = statement.currencies.map((c) => displayMoney(c.closing, c.currency)).join(', ');
    return {
      message: created
        ? `Statement for ${statement.periodLabel} issued: reserve held at the end ${closing || 'nothing'}; ${emailed} contact(s) notified.`
        : `The statement for ${statement.periodLabel} was issued before (${statement.generatedAt} UTC by ${statement.generatedBy}); download it below.`,
    };
  },
  { transaction: false },
);

/** Which emails a contact receives (statement-ready, rebate advice). */
export const setContactPreferencesAction = formAction(
  'client.contacts',
  z.object({ clientId, email: email('Contact email'), notifyStatements: checkbox('Statement emails'), notifyRebates: checkbox('Rebate advice') }),
  async ({ tx, input, actor }) => {
    await setContactPreferences(
      tx,
      input.clientId,
      { email: input.email, notifyStatements: input.notifyStatements, notifyRebates: input.notifyRebates },
      actor,
    );
    revalidateClient(input.clientId);
    const said = (on: boolean, what: string) => `${on ? 'gets' : 'does not get'} ${what}`;
    return { message: `${input.email} ${said(input.notifyStatements, 'statement emails')} and ${said(input.notifyRebates, 'rebate advice')}.` };
  },
);

/**
 * Issue 14: asks for a change of the bank account rebates are paid to; it takes effect when
 * someone else approves it (lib/clients/payout-changes.ts).
 */
export const requestPayoutAccountChangeAction = formAction('client.payout_account', payoutAccountFormSchema, async ({ tx, input, actor }) => {
  const change = await requestPayoutAccountChange(tx, input.clientId, input.account, actor);
  revalidateClient(input.clientId);
  revalidatePath('/approvals');
  return {
    message: `Change requested: rebates will be paid to ${change.proposed.masked} once someone else approves it. Until then this client's releases wait.`,
  };
});

const payoutDecisionSchema = z
  .object({
    changeId: id('Payout account change'),
    decision: choice('Decision', ['approve', 'reject'], { approve: 'Approve', reject: 'Reject' }),
    reason: optional(text('Reason', { max: 2000 })),
    confirmed: optional(text('Confirmation', { max: 400 })),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'reject' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Reason is required to reject' });
  });

/**
 * A payout account change someone else requested: Approve first asks "Pay Acme Freight's rebates
 * to checking ••••6789 at 011000015 (Acme Freight LLC) from now on?"; Reject needs a reason. The
 * lib command refuses the requester (maker ≠ checker).
 */
export const decidePayoutAccountChangeAction = formAction('client.payout_account_approve', payoutDecisionSchema, async ({ tx, input, actor, after }) => {
  if (input.decision === 'reject') {
    const rejected = await rejectPayoutAccountChange(tx, input.changeId, { reason: input.reason }, actor);
    revalidateClient(Number(rejected.clientId));
    revalidatePath('/approvals');
    return { message: `Payout account change ${rejected.id} rejected: ${rejected.clientName}'s account stays as it was.` };
  }
  const change = await getPayoutAccountChange(tx, input.changeId);
  const token = `${change.id}:${change.proposed.masked}`;
  if (input.confirmed === undefined || input.confirmed !== token) {
    return askToConfirm(
      `Pay ${change.clientName}'s rebates to ${change.proposed.masked} (${change.proposed.holderName}) from now on? Its contacts will be emailed that the account changed.`,
      token,
      'Approve account change',
    );
  }
  const approved = await approvePayoutAccountChange(tx, input.changeId, actor);
  after('sending the emails now', afterPayoutAccountChange);
  revalidateClient(Number(approved.clientId));
  revalidatePath('/approvals');
  return { message: `Approved: ${approved.clientName}'s rebates are paid to ${approved.proposed.masked}; its contacts are emailed.` };
});

/** Withdraws a payout account change that waits (typed wrong, asked for by mistake). */
export const cancelPayoutAccountChangeAction = formAction(
  'client.payout_account',
  z.object({ changeId: id('Payout account change') }),
  async ({ tx, input, actor }) => {
    const cancelled = await cancelPayoutAccountChange(tx, input.changeId, {}, actor);
    revalidateClient(Number(cancelled.clientId));
    revalidatePath('/approvals');
    return { message: `Request withdrawn: ${cancelled.clientName}'s payout account stays as it was.` };
  },
);

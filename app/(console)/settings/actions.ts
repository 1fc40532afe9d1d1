'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { kickOutbox } from '@/jobs/queues';
import { DomainError } from '@/lib/errors';
import { formAction } from '@/lib/http/form-action';
import { todayIn } from '@/lib/dates';
import { whatIf } from '@/lib/releases/what-if';
import { assertPreviewed, whatIfDigest } from '@/lib/releases/what-if-digest';
import { groupedMoney } from '@/lib/money';
import { appUrl, queueEmail, retryEmail, sendTestEmail, testEmailSchema } from '@/lib/notifications';
import { achOriginatorSchema, sepaDebtorSchema, updateAchOriginator, updateSepaDebtor } from '@/lib/payouts/originator';
import { batchAfterCycleSchema, updateBatchAfterCycle } from '@/lib/payouts/after-cycle';
import { RELEASE_MODES, updateReleasePolicy, validateRiskSchedule } from '@/lib/settings';
import { maskAccount } from '@/lib/validation/bank';
import { createApiKey, createUser, createUserSchema, setUserDisabled } from '@/lib/users';
import { inviteClientUser, inviteSchema } from '@/lib/users/invite';
import { checkbox, choice, days, formMoney, formRate, id, optional, text, wholeNumber } from '@/lib/validation/fields';

const SENDING = 'sending the email now';

export const createUserAction = formAction('user.manage', createUserSchema, async ({ tx, input, actor, after }) => {
  const { user } = await createUser(tx, input, actor);
  await queueEmail(tx, {
    to: user.email,
    template: 'account_created',
    data: { name: user.name, email: user.email, role: user.role, signInUrl: `${appUrl()}/signin` },
    clientId: user.clientId ? Number(user.clientId) : null,
  });
  after(SENDING, kickOutbox);
  revalidatePath('/settings');
  return { message: `Created ${user.email} (${user.role}); a welcome email is on its way.` };
});

export const setDisabledAction = formAction('user.manage', z.object({ userId: id('User'), disabled: checkbox('Disabled') }), async ({ tx, input, actor }) => {
  const user = await setUserDisabled(tx, input.userId, input.disabled, actor);
  revalidatePath('/settings');
  return { message: `${user.email} is ${input.disabled ? 'disabled; its API keys are revoked' : 'enabled'}.` };
});

export const createApiKeyAction = formAction(
  'user.manage',
  z.object({ userId: id('User'), label: optional(text('Key label', { max: 100 })) }),
  async ({ tx, input, actor }) => {
    const key = await createApiKey(tx, input.userId, input.label ?? 'console', actor);
    revalidatePath('/settings');
    return { message: 'New API key. Copy it now: it is not shown again.', secret: key.key };
  },
);

export const sendTestEmailAction = formAction('outbox.manage', testEmailSchema, async ({ tx, input, actor, after }) => {
  await sendTestEmail(tx, input, actor);
  after(SENDING, kickOutbox);
  revalidatePath('/settings');
  return { message: `A test email to ${input.to} is queued.` };
});

export const retryEmailAction = formAction('outbox.manage', z.object({ emailId: id('Email') }), async ({ tx, input, actor, after }) => {
  await retryEmail(tx, input.emailId, actor);
  after(SENDING, kickOutbox);
  revalidatePath('/settings');
  return { message: 'Queued again.' };
});

const TIER_FIELD = /^tier\.(\d{1,3})\.(minScore|maxScore|rate|holdDays|release)$/;
const TIER_FIELDS = ['minScore', 'maxScore', 'rate', 'holdDays', 'release'] as const;

/** One row of the form's risk schedule, as people write it (a rate as 10, 10% or 0.10). */
function tierRow(n: number) {
  return z.object({
    minScore: wholeNumber(`Tier ${n} lowest score`, { min: 0, max: 100 }),
    maxScore: wholeNumber(`Tier ${n} highest score`, { min: 0, max: 100 }),
    rate: formRate(`Tier ${n} reserve rate`),
    holdDays: days(`Tier ${n} holding period`),
    release: choice(`Tier ${n} release`, RELEASE_MODES),
  });
}

type TierRow = z.output<ReturnType<typeof tierRow>>;

/** The form's tier rows by their number (blank rows left out). */
function tierRows(values: Record<string, unknown>): Map<number, Record<string, string>> {
  const rows = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(values)) {
    const m = TIER_FIELD.exec(name);
    if (!m || typeof value !== 'string') continue;
    const row = rows.get(Number(m[1])) ?? {};
    row[m[2]!] = value;
    rows.set(Number(m[1]), row);
  }
  for (const [i, row] of rows) if (!['minScore', 'maxScore', 'rate', 'holdDays'].some((f) => (row[f] ?? '').trim() !== '')) rows.delete(i);
  return rows;
}

/**
 * The release policy form: the controller threshold and the tier rows (`tier.<n>.<field>`,
 * blank rows ignored). Every error is keyed by the input it concerns, the score bands' by `_`.
 */
const releasePolicySchema = z
  .object({ controllerThreshold: formMoney('Controller threshold', { allowZero: false }) })
  .catchall(z.union([z.string(), z.array(z.string())]))
  .transform((values, ctx) => {
    const parsed: { index: number; tier: TierRow }[] = [];
    for (const [index, row] of [...tierRows(values)].sort(([a], [b]) => a - b)) {
      const result = tierRow(index + 1).safeParse(row);
      if (result.success) parsed.push({ index, tier: result.data });
      else
        for (const issue of result.error.issues)
          ctx.addIssue({ code: 'custom', path: [issue.path.length > 0 ? `tier.${index}.${issue.path.join('.')}` : '_'], message: issue.message });
    }
    if (parsed.length !== tierRows(values).size) return z.NEVER;
    const riskSchedule = parsed.map(({ tier }) => tier);
    try {
      // the bands (no overlaps, 0–100 covered) and each tier's own order, as the command checks them
      validateRiskSchedule(riskSchedule);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const [key, message] of Object.entries(error.details)) {
        const m = /^(\d+)\.(\w+)$/.exec(key);
        const row = m ? parsed[Number(m[1])] : undefined;
        ctx.addIssue({
          code: 'custom',
          path: [row && (TIER_FIELDS as readonly string[]).includes(m![2]!) ? `tier.${row.index}.${m![2]}` : '_'],
          message: String(message),
        });
      }
      return z.NEVER;
    }
    return { controllerThreshold: values.controllerThreshold, riskSchedule };
  });

/** The release policy form as saving reads it, and the digest of its preview (issue 16 item 2). */
const savePolicySchema = z
  .object({ whatIfDigest: optional(text('Preview', { max: 200 })) })
  .catchall(z.union([z.string(), z.array(z.string())]))
  .transform((values, ctx) => {
    const { whatIfDigest: digest, ...form } = values;
    const policy = releasePolicySchema.safeParse(form);
    if (policy.success) return { ...policy.data, whatIfDigest: digest };
    for (const issue of policy.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  });

/** What a release policy preview is of: the digest binds exactly these values to it. */
const policySubject = (p: { controllerThreshold: string; riskSchedule: unknown }) =>
  ({ kind: 'risk_schedule', values: { controllerThreshold: p.controllerThreshold, riskSchedule: p.riskSchedule } }) as const;

/**
 * Release policy: the form's tier rows (blank ones ignored) become the risk schedule — only
 * after "Preview changes" showed what exactly these values do today (issue 16 item 2: the
 * preview's digest is sent back and must match; the public API is not bound by it).
 */
export const saveReleasePolicyAction = formAction('settings.edit', savePolicySchema, async ({ tx, input, actor }) => {
  const { whatIfDigest: digest, ...policy } = input;
  assertPreviewed(digest, policySubject(policy), todayIn());
  const saved = await updateReleasePolicy(tx, policy, actor);
  revalidatePath('/settings');
  // the threshold is one amount with cents, compared with each release in its own currency
  return {
    message: `Release policy saved: ${saved.riskSchedule.length} risk tiers; releases above ${groupedMoney(saved.controllerThreshold, 'USD')} (in their currency) need a controller.`,
  };
});

/** The release policy form as saving reads it, and the preview's page beside it. */
const previewPolicySchema = z
  .object({ whatIfPage: optional(wholeNumber('Preview page', { min: 1, max: 1_000_000 })) })
  .catchall(z.union([z.string(), z.array(z.string())]))
  .transform((values, ctx) => {
    // the release policy form's own fields, read as saving reads them; the page beside them
    const { whatIfPage, ...form } = values;
    const policy = releasePolicySchema.safeParse(form);
    if (policy.success) return { ...policy.data, whatIfPage };
    for (const issue of policy.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  });

/**
 * Issue 16 item 2: "Preview changes" — the what-if of the form's risk schedule over the live
 * portfolio (lib/releases/what-if.ts, a READ ONLY transaction), before it is saved. `whatIfPage`
 * pages the clients.
 */
export const previewReleasePolicyAction = formAction('settings.edit', previewPolicySchema, async ({ tx, input, actor }) => {
  const today = todayIn();
  const preview = await whatIf(tx, { riskSchedule: input.riskSchedule, page: input.whatIfPage ?? 1, pageSize: 50 }, actor, today);
  return {
    message: `Preview: ${preview.clientsAffected} client(s) affected, ${preview.clientsChanged} whose next release would change. Nothing is saved until you save the release policy.`,
    preview,
    // the digest Save sends back: these values, previewed as of today
    whatIfDigest: whatIfDigest(policySubject(input), today),
  };
});

/** Invite a client user: created without a password, emailed a one-time set-password link. */
export const inviteClientUserAction = formAction('user.manage', inviteSchema, async ({ tx, input, actor, after }) => {
  const { user, expires } = await inviteClientUser(tx, input, actor);
  after(SENDING, kickOutbox);
  revalidatePath('/settings');
  return { message: `Invited ${user.email}: the set-password link is on its way (valid until ${expires}).` };
});

/** Issue 14: the factor's ACH originator for NACHA payout files (Settings → Payout bank). */
export const saveAchOriginatorAction = formAction('settings.edit', achOriginatorSchema, async ({ tx, input, actor }) => {
  const saved = await updateAchOriginator(tx, input, actor);
  revalidatePath('/settings');
  revalidatePath('/settings/payout-bank');
  return { message: `ACH originator saved: ${saved.companyName}, routing number ${saved.originRouting}. NACHA files use it from now on.` };
});

/** Issue 14: whether the release-cycle job creates the payout batch of its date. */
export const saveBatchAfterCycleAction = formAction('settings.edit', batchAfterCycleSchema, async ({ tx, input, actor }) => {
  const on = await updateBatchAfterCycle(tx, input, actor);
  revalidatePath('/settings/payout-bank');
  return {
    message: on
      ? 'From the next release cycle on, the job creates the payout batch of its date for each currency; generating the file and sending it stay a person’s steps.'
      : 'The release-cycle job no longer creates payout batches: a controller or an admin creates them on Payouts.',
  };
});

/** Issue 14: the factor's own IBAN account for pain.001 (SEPA) payout files. */
export const saveSepaDebtorAction = formAction('settings.edit', sepaDebtorSchema, async ({ tx, input, actor }) => {
  const saved = await updateSepaDebtor(tx, input, actor);
  revalidatePath('/settings');
  revalidatePath('/settings/payout-bank');
  return { message: `SEPA account saved: ${saved.name}, ${maskAccount(saved.iban)}. pain.001 files use it from now on.` };
});

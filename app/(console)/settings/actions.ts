'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { kickOutbox } from '@/jobs/queues';
import { actionActor } from '@/lib/auth/session';
import { runAction, type ActionState } from '@/lib/http/action';
import { appUrl, queueEmail, retryEmail, sendTestEmail } from '@/lib/notifications';
import { updateReleasePolicy } from '@/lib/settings';
import { createApiKey, createUser, setUserDisabled } from '@/lib/users';
import { inviteClientUser } from '@/lib/users/invite';

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export async function createUserAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    const role = text(form, 'role');
    const { user } = await getDatabase().transaction(async (tx) => {
      const created = await createUser(
        tx,
        { email: text(form, 'email') ?? '', name: text(form, 'name'), role: role as never, clientId: role === 'client' ? (text(form, 'clientId') as never) : undefined, password: text(form, 'password') },
        actor,
      );
      await queueEmail(tx, {
        to: created.user.email,
        template: 'account_created',
        data: { name: created.user.name, email: created.user.email, role: created.user.role, signInUrl: `${appUrl()}/signin` },
        clientId: created.user.clientId ? Number(created.user.clientId) : null,
      });
      return created;
    });
    await kickOutbox();
    revalidatePath('/settings');
    return { ok: true, message: `Created ${user.email} (${user.role}); a welcome email is on its way.` };
  });
}

export async function setDisabledAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    const disabled = form.get('disabled') === 'true';
    const user = await getDatabase().transaction((tx) => setUserDisabled(tx, Number(form.get('userId')), disabled, actor));
    revalidatePath('/settings');
    return { ok: true, message: `${user.email} is ${disabled ? 'disabled; its API keys are revoked' : 'enabled'}.` };
  });
}

export async function createApiKeyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    const key = await getDatabase().transaction((tx) => createApiKey(tx, Number(form.get('userId')), text(form, 'label') ?? 'console', actor));
    revalidatePath('/settings');
    return { ok: true, message: 'New API key. Copy it now: it is not shown again.', secret: key.key };
  });
}

export async function sendTestEmailAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    const to = text(form, 'to') ?? '';
    await getDatabase().transaction((tx) => sendTestEmail(tx, { to }, actor));
    await kickOutbox();
    revalidatePath('/settings');
    return { ok: true, message: `A test email to ${to} is queued.` };
  });
}

export async function retryEmailAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    await getDatabase().transaction((tx) => retryEmail(tx, Number(form.get('emailId')), actor));
    await kickOutbox();
    revalidatePath('/settings');
    return { ok: true, message: 'Queued again.' };
  });
}

/** Release policy: the form's tier rows (blank ones ignored) become the risk schedule. */
export async function saveReleasePolicyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    const tiers: Record<string, string>[] = [];
    for (const [name, value] of form.entries()) {
      const m = /^tier\.(\d+)\.(minScore|maxScore|rate|holdDays|release)$/.exec(name);
      if (!m || typeof value !== 'string') continue;
      (tiers[Number(m[1])] ??= {})[m[2]!] = value.trim();
    }
    const filled = tiers.filter((t) => t && ['minScore', 'maxScore', 'rate', 'holdDays'].some((f) => (t[f] ?? '') !== ''));
    const saved = await getDatabase().transaction((tx) => updateReleasePolicy(tx, { controllerThreshold: text(form, 'controllerThreshold') ?? '', riskSchedule: filled }, actor));
    revalidatePath('/settings');
    return { ok: true, message: `Release policy saved: ${saved.riskSchedule.length} risk tiers; releases above ${saved.controllerThreshold} need a controller.` };
  });
}

/** Invite a client user: created without a password, emailed a one-time set-password link. */
export async function inviteClientUserAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('admin');
    const { user, expires } = await getDatabase().transaction((tx) => inviteClientUser(tx, { email: text(form, 'email') ?? '', name: text(form, 'name'), clientId: text(form, 'clientId') }, actor));
    await kickOutbox();
    revalidatePath('/settings');
    return { ok: true, message: `Invited ${user.email}: the set-password link is on its way (valid until ${expires}).` };
  });
}

'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { agreementFromForm } from '@/lib/agreements/form';
import { actionActor } from '@/lib/auth/session';
import { createClient } from '@/lib/clients';
import { setContactPreferences } from '@/lib/clients/contacts';
import { setPayoutAccount } from '@/lib/clients/payout-account';
import { afterStatements } from '@/jobs/after-commit';
import { issueStatement, STATEMENT_ISSUE_ROLES } from '@/lib/statements';
import { proposeAgreementChange, reviewClient, setClientStatus, setKybItem, submitForReview } from '@/lib/clients/onboarding';
import { recordNoa } from '@/lib/debtors';
import { runAction, type ActionState } from '@/lib/http/action';

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** The string fields of a form, for `agreementFromForm`. */
const fields = (form: FormData): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string') out[k] = v;
  return out;
};

const clientId = (form: FormData) => Number(form.get('clientId'));

function revalidateClient(id: number) {
  revalidatePath('/clients');
  revalidatePath(`/clients/${id}`);
}

/** SPEC 2: a new client starts as a prospect with its first agreement version. */
export async function createClientAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const contactName = text(form, 'contactName');
    const contactEmail = text(form, 'contactEmail');
    const client = await getDatabase().transaction((tx) =>
      createClient(
        tx,
        {
          name: text(form, 'name') ?? '',
          currency: text(form, 'currency') ?? '',
          contacts: contactName || contactEmail ? [{ name: contactName ?? '', email: contactEmail ?? '' }] : undefined,
          agreement: agreementFromForm(fields(form)),
        },
        actor,
      ),
    );
    revalidatePath('/clients');
    return { ok: true, message: `${client.name} is created as a prospect (client ${client.id}). Open it to work through the KYB checklist.` };
  });
}

export async function setKybAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const id = clientId(form);
    const key = String(form.get('item') ?? '');
    const done = form.get('done') === 'true';
    await getDatabase().transaction((tx) => setKybItem(tx, id, key, done, actor));
    revalidateClient(id);
    return { ok: true, message: done ? 'Saved: done' : 'Saved: not done' };
  });
}

export async function submitForReviewAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const id = clientId(form);
    const client = await getDatabase().transaction((tx) => submitForReview(tx, id, actor));
    revalidateClient(id);
    revalidatePath('/approvals');
    return { ok: true, message: `${client.name} waits for review by another underwriter.` };
  });
}

/** The second underwriter's review; the lib refuses the one who entered or submitted the client. */
export async function reviewClientAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const id = clientId(form);
    const decision = form.get('decision') === 'activate' ? 'activate' : 'return';
    const client = await getDatabase().transaction((tx) => reviewClient(tx, id, decision, text(form, 'reason'), actor));
    revalidateClient(id);
    revalidatePath('/approvals');
    return { ok: true, message: decision === 'activate' ? `${client.name} is active.` : `${client.name} is returned to prospect.` };
  });
}

export async function setClientStatusAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const id = clientId(form);
    const requested = String(form.get('status'));
    const status = requested === 'active' ? 'active' : requested === 'closed' ? 'closed' : 'suspended';
    const client = await getDatabase().transaction((tx) => setClientStatus(tx, id, status, text(form, 'reason'), actor));
    revalidateClient(id);
    return { ok: true, message: `${client.name} is ${client.status}.` };
  });
}

/** SPEC 2: notice of assignment per client–debtor pair. */
export async function recordNoaAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const id = clientId(form);
    const noa = await getDatabase().transaction((tx) =>
      recordNoa(tx, id, { debtorId: text(form, 'debtorId') ?? '', sentDate: text(form, 'sentDate') ?? null, acknowledgedDate: text(form, 'acknowledgedDate') ?? null }, actor),
    );
    revalidateClient(id);
    const dates = [noa.sentDate ? `sent ${noa.sentDate}` : 'not sent', noa.acknowledgedDate ? `acknowledged ${noa.acknowledgedDate}` : null].filter(Boolean).join(', ');
    return { ok: true, message: `Notice of assignment to ${noa.debtorName}: ${dates}.` };
  });
}

/** SPEC 2: a change of terms is a new effective-dated version that waits for approval. */
export async function proposeAgreementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter');
    const id = clientId(form);
    const version = await getDatabase().transaction((tx) => proposeAgreementChange(tx, id, { effectiveFrom: text(form, 'effectiveFrom') ?? '', agreement: agreementFromForm(fields(form)) }, actor));
    revalidateClient(id);
    revalidatePath('/approvals');
    return { ok: true, message: `Agreement version ${version.version} waits for approval by an approver.` };
  });
}

/**
 * SPEC 7/8: the client's reserve statement for a period — the stored one, or issued now from
 * the ledger (the same lib command as the API's POST /clients/{id}/statements; a GET never issues).
 */
export async function generateStatementAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor(...STATEMENT_ISSUE_ROLES);
    const id = clientId(form);
    const { statement, created, emailed } = await issueStatement(getDatabase(), { clientId: id, from: text(form, 'from'), to: text(form, 'to') }, actor, { roles: STATEMENT_ISSUE_ROLES });
    if (emailed > 0) await afterStatements();
    revalidateClient(id);
    const closing = statement.currencies.map((c) => `${c.closing} ${c.currency}`).join(', ');
    return {
      ok: true,
      message: created
        ? `Statement for ${statement.periodLabel} issued: reserve held at the end ${closing}; ${emailed} contact(s) notified.`
        : `The statement for ${statement.periodLabel} was issued before (${statement.generatedAt} UTC by ${statement.generatedBy}); download it below.`,
    };
  });
}

/** Which emails a contact receives (statement-ready, rebate advice). */
export async function setContactPreferencesAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter', 'admin');
    const id = clientId(form);
    const email = text(form, 'email') ?? '';
    const notifyStatements = form.get('notifyStatements') === 'on';
    const notifyRebates = form.get('notifyRebates') === 'on';
    await getDatabase().transaction((tx) => setContactPreferences(tx, id, { email, notifyStatements, notifyRebates }, actor));
    revalidateClient(id);
    const said = (on: boolean, what: string) => `${on ? 'gets' : 'does not get'} ${what}`;
    return { ok: true, message: `${email} ${said(notifyStatements, 'statement emails')} and ${said(notifyRebates, 'rebate advice')}.` };
  });
}

/** The bank account rebates are paid to (the NACHA payout file's receiving account). */
export async function setPayoutAccountAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('underwriter', 'admin');
    const id = clientId(form);
    const saved = await getDatabase().transaction((tx) =>
      setPayoutAccount(tx, id, { holderName: text(form, 'holderName') ?? '', routing: text(form, 'routing') ?? '', account: text(form, 'account') ?? '', accountType: text(form, 'accountType') ?? 'checking' }, actor),
    );
    revalidateClient(id);
    return { ok: true, message: `Rebates will be paid to ${saved.masked}.` };
  });
}

'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { actionActor } from '@/lib/auth/session';
import { setContactPreferences } from '@/lib/clients/contacts';
import { runAction, type ActionState } from '@/lib/http/action';
import { afterStatements } from '@/jobs/after-commit';
import { issueStatement, STATEMENT_PORTAL_ISSUE_ROLES } from '@/lib/statements';

/** The answer to "Issue statement": where the stored PDF is downloaded. */
export interface PortalStatementState extends ActionState {
  downloadUrl?: string;
  periodLabel?: string;
}

/** A client user chooses which emails its own contacts get (statement ready, rebate advice). */
export async function portalPreferencesAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const actor = await actionActor('client');
    const email = String(form.get('email') ?? '');
    const notifyStatements = form.get('notifyStatements') === 'on';
    const notifyRebates = form.get('notifyRebates') === 'on';
    await getDatabase().transaction((tx) => setContactPreferences(tx, actor.clientId!, { email, notifyStatements, notifyRebates }, actor));
    revalidatePath('/portal');
    return { ok: true, message: `Saved: ${email} ${notifyStatements ? 'gets' : 'does not get'} statement emails and ${notifyRebates ? 'gets' : 'does not get'} rebate advices.` };
  });
}

/**
 * A client user issues its own client's statement for a period (a POST, never a GET): stored
 * once, announced to its contacts, then downloaded through the stored statement's link.
 */
export async function portalStatementAction(_prev: PortalStatementState, form: FormData): Promise<PortalStatementState> {
  return runAction(async () => {
    const actor = await actionActor(...STATEMENT_PORTAL_ISSUE_ROLES);
    const from = String(form.get('from') ?? '').trim() || undefined;
    const to = String(form.get('to') ?? '').trim() || undefined;
    const { statement, created, emailed } = await issueStatement(getDatabase(), { clientId: actor.clientId!, from, to }, actor, { roles: STATEMENT_PORTAL_ISSUE_ROLES });
    if (emailed > 0) await afterStatements();
    revalidatePath('/portal');
    return {
      ok: true,
      message: created ? `Your statement for ${statement.periodLabel} is ready.` : `Your statement for ${statement.periodLabel} was issued on ${statement.generatedAt} UTC.`,
      downloadUrl: statement.downloadUrl,
      periodLabel: statement.periodLabel,
    };
  }) as Promise<PortalStatementState>;
}

'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { actionActor } from '@/lib/auth/session';
import { setContactPreferences } from '@/lib/clients/contacts';
import { runAction, type ActionState } from '@/lib/http/action';

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

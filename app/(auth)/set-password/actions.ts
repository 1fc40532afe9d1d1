'use server';

import { getDatabase } from '@/db/client';
import { runAction, type ActionState } from '@/lib/http/action';
import { acceptInvite } from '@/lib/users/invite';

/** The invited person chooses a password (not signed in: the signed link is the credential). */
export async function setPasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { email } = await getDatabase().transaction((tx) =>
      acceptInvite(tx, { token: form.get('token'), password: form.get('password'), confirm: form.get('confirm') }),
    );
    return { ok: true, message: `Your password is set. Sign in as ${email}.` };
  });
}

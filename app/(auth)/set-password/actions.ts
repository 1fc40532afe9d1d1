'use server';

import { publicFormAction } from '@/lib/http/form-action';
import { acceptInvite, setPasswordSchema } from '@/lib/users/invite';

/** The invited person chooses a password (not signed in: the signed link is the credential). */
export const setPasswordAction = publicFormAction(setPasswordSchema, async ({ tx, input }) => {
  const { email } = await acceptInvite(tx, input);
  return { message: `Your password is set. Sign in as ${email}.` };
});

'use server';

import { revalidatePath } from 'next/cache';
import { formAction } from '@/lib/http/form-action';
import { holdingFlagsSummary } from '@/lib/intake/rules';
import { holdingFlagsFormSchema, updateHoldingFlags } from '@/lib/intake/settings';

/** Issue 16 item 5: which intake flag kinds hold funding until cleared (admins, audited). */
export const saveHoldingFlagsAction = formAction('settings.edit', holdingFlagsFormSchema, async ({ tx, input, actor }) => {
  const saved = await updateHoldingFlags(tx, { kinds: input.kinds }, actor);
  revalidatePath('/settings/intake-flags');
  revalidatePath('/fundings');
  return { message: holdingFlagsSummary(saved.kinds) };
});

'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formatSteps } from '@/lib/debtor-statements/labels';
import { STEPS_LABEL, remittanceSchema, updateReminderSteps, updateRemittance } from '@/lib/debtor-statements/settings';
import { formAction } from '@/lib/http/form-action';
import { optional, text } from '@/lib/validation/fields';

const PAGE = '/settings/debtor-statements';

/** Issue 15: the reminder steps, typed as "-7, 0, 15, 30"; blank turns reminders off (admins, audited). */
export const saveReminderStepsAction = formAction(
  'settings.edit',
  z.object({ steps: optional(text(STEPS_LABEL, { max: 200 })) }),
  async ({ tx, input, actor }) => {
    const steps = await updateReminderSteps(tx, input.steps ?? '', actor);
    revalidatePath(PAGE);
    return {
      message: steps.length > 0 ? `Saved: reminders at ${formatSteps(steps)} days from the due date.` : 'Saved: reminders are switched off.',
    };
  },
);

/** Issue 15: where debtors pay the factor, printed on every statement and reminder (admins, audited). */
export const saveRemittanceAction = formAction('settings.edit', remittanceSchema, async ({ tx, input, actor }) => {
  const saved = await updateRemittance(tx, input, actor);
  revalidatePath(PAGE);
  return { message: `Saved: statements tell debtors to pay ${saved.payee}.` };
});

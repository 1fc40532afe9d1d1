'use server';

import { type z } from 'zod';
import { getDatabase } from '@/db/client';
import { agreementFormSchema } from '@/lib/agreements/form';
import { actionActorFor } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { runAction, type ActionState } from '@/lib/http/action';
import { whatIf, type WhatIfAnswer } from '@/lib/releases/what-if';
import { businessDate, currency, id, optional } from '@/lib/validation/fields';

const schema = agreementFormSchema({ clientId: id('Client'), effectiveFrom: businessDate('Effective from'), currency: optional(currency('Currency')) });

/**
 * Issue 16 item 2: "Preview changes" of the agreement change form — the client's reserve held and
 * releasable before and after the proposed terms (read only), as of the later of today and the
 * effective date, before "Propose change" sends it for approval.
 */
export async function previewAgreementChangeAction(form: FormData): Promise<ActionState & { preview?: WhatIfAnswer }> {
  let preview: WhatIfAnswer | undefined;
  const state = await runAction(async () => {
    const actor = await actionActorFor('agreement.propose');
    const raw = Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === 'string'));
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        message: `Please correct the terms first: ${(parsed.error as z.ZodError).issues.map((i) => i.message).join('; ')}`,
      };
    }
    const today = todayIn();
    const asOf = parsed.data.effectiveFrom > today ? parsed.data.effectiveFrom : today;
    preview = await getDatabase().transaction((tx) => whatIf(tx, { clientId: parsed.data.clientId, terms: parsed.data.agreement, asOf }, actor, today));
    return {
      ok: true,
      message: preview.clientsChanged > 0 ? 'The next release would change as shown.' : 'The next release would not change.',
    };
  });
  return { ...state, preview };
}

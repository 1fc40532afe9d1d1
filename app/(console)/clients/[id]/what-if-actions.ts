'use server';

import { agreementFormSchema } from '@/lib/agreements/form';
import { todayIn } from '@/lib/dates';
import { formAction } from '@/lib/http/form-action';
import { whatIf } from '@/lib/releases/what-if';
import { agreementPreviewAsOf, agreementSubject, whatIfDigest } from '@/lib/releases/what-if-digest';
import { businessDate, currency, id, optional } from '@/lib/validation/fields';

const schema = agreementFormSchema({ clientId: id('Client'), effectiveFrom: businessDate('Effective from'), currency: optional(currency('Currency')) });

/**
 * Issue 16 item 2: "Preview changes" of the agreement change form — the client's reserve held and
 * releasable before and after the proposed terms (read only: whatIf sets its transaction READ
 * ONLY), as of the later of today and the effective date, before "Propose change" sends it for approval.
 */
export const previewAgreementChangeAction = formAction('agreement.propose', schema, async ({ tx, input, actor }) => {
  const today = todayIn();
  const asOf = agreementPreviewAsOf(input.effectiveFrom, today);
  const preview = await whatIf(tx, { clientId: input.clientId, terms: input.agreement, asOf }, actor, today);
  return {
    message: preview.clientsChanged > 0 ? 'The next release would change as shown.' : 'The next release would not change.',
    preview,
    // the digest Propose change sends back: these terms from this date, previewed as of asOf
    whatIfDigest: whatIfDigest(agreementSubject(input), asOf),
  };
});

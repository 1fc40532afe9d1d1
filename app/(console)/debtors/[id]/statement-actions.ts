'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { askToConfirm } from '@/app/_components/confirm';
import { afterDebtorStatement } from '@/jobs/after-commit';
import { apContactSchema, setDebtorApContact } from '@/lib/debtor-statements/contact';
import { previewStatementSend, sendDebtorStatement } from '@/lib/debtor-statements/statement';
import { formAction } from '@/lib/http/form-action';
import { id, optional, text } from '@/lib/validation/fields';

/** Issue 15: the debtor's AP contact (underwriters, collections); a blank email removes it. */
export const saveApContactAction = formAction('debtor.contact', apContactSchema.extend({ debtorId: id('Debtor') }), async ({ tx, input, actor }) => {
  const contact = await setDebtorApContact(tx, input.debtorId, { apEmail: input.apEmail, apName: input.apName }, actor);
  revalidatePath(`/debtors/${input.debtorId}`);
  return {
    message: contact.apEmail
      ? `Statements and reminders for ${contact.debtorName} go to ${contact.apName ? `${contact.apName}, ` : ''}${contact.apEmail}.`
      : `${contact.debtorName} has no AP contact now: no statement or reminder will be emailed to it.`,
  };
});

const sendForm = z.object({ debtorId: id('Debtor'), confirmed: optional(text('Confirmation', { max: 2000 })) });

/**
 * "Email statement": asks first — "Email the statement of 12 open invoices, 45,000.00 USD to
 * ap@globex.test?" — and sends only what it asked about (the token: recipient, date, counts and
 * open balances; if any changed, it asks again).
 */
export const sendStatementAction = formAction('debtor.statement_send', sendForm, async ({ tx, input, actor, after }) => {
  const preview = await previewStatementSend(tx, input.debtorId, actor);
  if (input.confirmed !== preview.token) {
    return askToConfirm(`Email ${preview.debtorName}'s statement of ${preview.summary} to ${preview.to}?`, preview.token, 'Send statement');
  }
  const sent = await sendDebtorStatement(tx, input.debtorId, { confirmed: input.confirmed }, actor);
  after('sending the email now', afterDebtorStatement);
  revalidatePath(`/debtors/${input.debtorId}`);
  return { message: `Statement of ${sent.summary} queued to ${sent.to}: it goes out in a moment with its PDF (statement ${sent.sendId}).` };
});

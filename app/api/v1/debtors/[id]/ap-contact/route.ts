import { apContactSchema, setDebtorApContact } from '@/lib/debtor-statements/contact';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * PUT /debtors/{id}/ap-contact `{"apEmail","apName"}` (issue 15 item 4): the debtor's
 * accounts-payable contact, where its statements and reminders are emailed; a blank or null
 * `apEmail` removes it. Underwriters and collections; audited.
 */
export const PUT = apiRoute('debtor.contact', apContactSchema, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await setDebtorApContact(tx, pathId(params.id, 'Debtor'), input, actor),
}));

import { parseBusinessDate } from '@/lib/dates';
import { debtorStatementPdf } from '@/lib/debtor-statements/statement';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * GET /debtors/{id}/statement.pdf?asOf=YYYY-MM-DD (issue 15 item 4): the debtor's statement of
 * open factored invoices as a PDF — number, client, invoice date, due date, days past due, amount,
 * paid, open balance, totals per currency — with the factor's remittance instructions per the
 * notice of assignment. `asOf` (default today) is the day days past due count to. Read only:
 * nothing is recorded or sent. Staff; also the signed-in session (the debtor page's "Statement (PDF)").
 * 422 `remittance_not_configured` until Settings → Debtor statements says where debtors pay.
 */
export const GET = apiRoute(
  'staff.read',
  async ({ tx, actor, params, url }) => {
    const asOf = url.searchParams.get('asOf');
    const file = await debtorStatementPdf(tx, pathId(params.id, 'Debtor'), actor, { asOf: asOf ? parseBusinessDate(asOf, 'asOf') : undefined });
    return { status: 200, raw: { body: file.pdf, contentType: 'application/pdf', filename: file.filename } };
  },
  { session: true },
);

import { apiRoute, pathId } from '@/lib/http/api';
import { assertDebtorExists } from '@/lib/debtors/detail';
import { DEBTOR_INVOICES_LIST, PARTY_INVOICE_CSV, debtorInvoicesQuery, partyInvoice, type PartyInvoiceRow } from '@/lib/debtors/page-lists';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';

export const dynamic = 'force-dynamic';

/**
 * GET /debtors/{id}/invoices: the debtor's invoices across clients, newest first
 * (`?sort=issueDate|dueDate&order=&status=&clientId=&limit=&cursor=`, `?format=csv`). Staff only.
 */
export const GET = apiRoute(
  'staff.read',
  async ({ tx, params, url }) => {
    const debtorId = pathId(params.id, 'Debtor');
    await assertDebtorExists(tx, debtorId);
    const request = parseListRequest(DEBTOR_INVOICES_LIST, url.searchParams);
    return listAnswer(tx.sql, url, DEBTOR_INVOICES_LIST, request, debtorInvoicesQuery(tx.sql, debtorId, request), {
      csv: PARTY_INVOICE_CSV,
      file: `debtor-${debtorId}-invoices`,
      map: (r: PartyInvoiceRow) => partyInvoice(r),
    });
  },
  { session: true },
);

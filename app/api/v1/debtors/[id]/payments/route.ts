import { apiRoute, pathId } from '@/lib/http/api';
import { assertDebtorExists } from '@/lib/debtors/detail';
import { DEBTOR_PAYMENTS_LIST, DEBTOR_PAYMENT_CSV, debtorPayment, debtorPaymentsQuery, type DebtorPaymentRow } from '@/lib/debtors/page-lists';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';

export const dynamic = 'force-dynamic';

/** GET /debtors/{id}/payments: the payments identified as the debtor's, newest first (`?format=csv`). Staff only. */
export const GET = apiRoute(
  'staff.read',
  async ({ tx, params, url }) => {
    const debtorId = pathId(params.id, 'Debtor');
    await assertDebtorExists(tx, debtorId);
    const request = parseListRequest(DEBTOR_PAYMENTS_LIST, url.searchParams);
    return listAnswer(tx.sql, url, DEBTOR_PAYMENTS_LIST, request, debtorPaymentsQuery(tx.sql, debtorId), {
      csv: DEBTOR_PAYMENT_CSV,
      file: `debtor-${debtorId}-payments`,
      map: (r: DebtorPaymentRow) => debtorPayment(r),
    });
  },
  { session: true },
);

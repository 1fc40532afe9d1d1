import { apiRoute, pathId } from '@/lib/http/api';
import { parseBusinessDate } from '@/lib/dates';
import { getDebtorDetail } from '@/lib/debtors/detail';

export const dynamic = 'force-dynamic';

/**
 * GET /debtors/{id} (README "API beyond API.md"): the debtor across every client, with
 * `averageDaysToPay`, `averageDaysBeyondTerms`, `dilution`, `exposure` (by client and currency),
 * `creditLimit` and its history, concentration alerts, notices of assignment and merges.
 * `?asOf=YYYY-MM-DD` (default today) is the day open invoices count past due on. Staff only.
 */
export const GET = apiRoute('staff.read', async ({ tx, actor, params, url }) => {
  const asOf = url.searchParams.get('asOf');
  return {
    status: 200,
    body: await getDebtorDetail(tx, pathId(params.id, 'Debtor'), actor, { asOf: asOf ? parseBusinessDate(asOf, 'asOf') : undefined }),
  };
});

import { DomainError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { todayIn } from '@/lib/dates';
import { AGING_CSV, AGING_LISTS, agingCurrencies, agingCurrencyOf, agingItem, agingListQuery, type AgingListRow } from '@/lib/reports/aging-list';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/aging?by=debtor|client (issue 13): the aging report of Collections → Aging,
 * one currency at a time (`currency`, default the first with open invoices), sorted by `total`,
 * `over90` or `name`, filtered by `name` (contains); `?format=csv` streams the whole filtered set.
 */
export const GET = apiRoute(
  'section.collections',
  async ({ db, url }) => {
    const by = url.searchParams.get('by') ?? 'debtor';
    if (by !== 'debtor' && by !== 'client') {
      throw new DomainError('invalid_input', 'By must be debtor or client', { status: 400, details: { by: 'By must be debtor or client' } });
    }
    const params = new URLSearchParams(url.searchParams);
    params.delete('by');
    params.delete('tab');
    const def = AGING_LISTS[by];
    const request = parseListRequest(def, params);
    const code = agingCurrencyOf(request.filters, await agingCurrencies(db.sql));
    const today = todayIn();
    const map = agingItem(by);
    return listAnswer(db.sql, url, def, request, agingListQuery(db.sql, by, request, code, today), {
      csv: AGING_CSV(by).map((c) => ({ header: c.header, value: (r: AgingListRow) => c.value(map(r)) })),
      file: `aging-by-${by}-${code}`,
      map,
    });
  },
  { session: true },
);

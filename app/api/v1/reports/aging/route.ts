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
 * Issue 15: `basis=due` buckets by days past due (Not due, 1–30, 31–60, 61–90, 90+) instead of by
 * days since the invoice date (`basis=issued`, the default).
 */
export const GET = apiRoute(
  'section.collections',
  async ({ db, url }) => {
    const by = url.searchParams.get('by') ?? 'debtor';
    if (by !== 'debtor' && by !== 'client') {
      throw new DomainError('invalid_input', 'By must be debtor or client', { status: 400, details: { by: 'By must be debtor or client' } });
    }
    const basis = url.searchParams.get('basis') ?? 'issued';
    if (basis !== 'issued' && basis !== 'due') {
      throw new DomainError('invalid_input', 'Basis must be issued or due', { status: 400, details: { basis: 'Basis must be issued or due' } });
    }
    const params = new URLSearchParams(url.searchParams);
    params.delete('by');
    params.delete('tab');
    params.delete('basis');
    const def = AGING_LISTS[by];
    const request = parseListRequest(def, params);
    const code = agingCurrencyOf(request.filters, await agingCurrencies(db.sql));
    const today = todayIn();
    const map = agingItem(by, basis);
    return listAnswer(db.sql, url, def, request, agingListQuery(db.sql, by, request, code, today, basis, { walk: url.searchParams.get('format') === 'csv' }), {
      csv: AGING_CSV(by, basis).map((c) => ({ header: c.header, value: (r: AgingListRow) => c.value(map(r)) })),
      file: `aging-${basis === 'due' ? 'past-due' : 'by'}-${by}-${code}`,
      map,
    });
  },
  { session: true },
);

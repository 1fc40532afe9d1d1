import { todayIn } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { FEE_INCOME_LIST, feeIncomeCsv, feeIncomeCurrencies, feeIncomeItem, feeIncomeQuery, periodOf, type FeeIncomeRow } from '@/lib/reports/fee-income';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/fee-income (issue 13): fee income by client for a period of months
 * (`from`, `to` as YYYY-MM, default the last twelve; `currency`, default the first with income;
 * `name` contains), sorted by `total` or `name`; each item has its `months`. `?format=csv` streams
 * the whole filtered set, a column per month.
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    const request = parseListRequest(FEE_INCOME_LIST, url.searchParams);
    const code = request.filters.currency ?? (await feeIncomeCurrencies(db.sql))[0] ?? 'USD';
    const today = todayIn();
    const map = feeIncomeItem(code);
    const { months } = periodOf(request.filters, today);
    return listAnswer(db.sql, url, FEE_INCOME_LIST, request, feeIncomeQuery(db.sql, request, code, today), {
      csv: feeIncomeCsv(months).map((c) => ({ header: c.header, value: (r: FeeIncomeRow) => c.value(map(r)) })),
      file: `fee-income-${code}`,
      map,
    });
  },
  { session: true },
);

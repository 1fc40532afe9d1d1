import { todayIn } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { feeIncomePdf } from '@/lib/reports/month-end/fee-income-pdf';
import { FEE_INCOME_LIST, feeIncomeContext, feeIncomeCsv, feeIncomeItem, feeIncomeQuery, periodOf, type FeeIncomeRow } from '@/lib/reports/fee-income';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/fee-income (issue 13): fee income by client for a period of months
 * (`from`, `to` as YYYY-MM, default the last twelve; `currency`, default the first with income;
 * `name` contains), sorted by `total` or `name`; each item has its `months`. `?format=csv` streams
 * the whole filtered set, a column per month; `?format=pdf` the same as a PDF (issue 16).
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    // issue 16 item 6: the same report as a PDF (every client of the filters)
    if (url.searchParams.get('format') === 'pdf') {
      const { pdf, file } = await feeIncomePdf(db.sql, url.searchParams);
      return { status: 200, raw: { body: new Uint8Array(pdf), contentType: 'application/pdf', filename: file } };
    }
    const request = parseListRequest(FEE_INCOME_LIST, url.searchParams);
    const today = todayIn();
    // a page may read the ranking (migration 0043); the CSV walks the whole set in its own batches
    const { code, ranked } = await feeIncomeContext(db.sql, request, today);
    const map = feeIncomeItem(code);
    const { months } = periodOf(request.filters, today);
    return listAnswer(db.sql, url, FEE_INCOME_LIST, request, feeIncomeQuery(db.sql, request, code, today, ranked && url.searchParams.get('format') !== 'csv'), {
      csv: feeIncomeCsv(months).map((c) => ({ header: c.header, value: (r: FeeIncomeRow) => c.value(map(r)) })),
      file: `fee-income-${code}`,
      map,
    });
  },
  { session: true },
);

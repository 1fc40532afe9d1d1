import { apiRoute } from '@/lib/http/api';
import { reportAnswer } from '@/lib/reports/month-end/answer';
import { trendsCsv, trendsPdf } from '@/lib/reports/month-end/exports';
import { parseMonthEndParams } from '@/lib/reports/month-end/params';
import { trendsReport } from '@/lib/reports/month-end/reports';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/trends?from=YYYY-MM&to=YYYY-MM[&currency][&clientId][&format=csv|pdf] (issue 16
 * item 6): DSO and dilution by month, for the portfolio and each client, per currency.
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    const p = parseMonthEndParams(url.searchParams);
    const report = await trendsReport(db.sql, p);
    return reportAnswer(db.sql, url, report, { file: `dso-dilution-${p.from}-to-${p.to}`, csv: trendsCsv, pdf: trendsPdf });
  },
  { session: true, transaction: false },
);

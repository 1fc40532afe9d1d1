import { apiRoute } from '@/lib/http/api';
import { reportAnswer } from '@/lib/reports/month-end/answer';
import { fundsEmployedCsv, fundsEmployedPdf } from '@/lib/reports/month-end/exports';
import { parseMonthEndParams } from '@/lib/reports/month-end/params';
import { fundsEmployedReport } from '@/lib/reports/month-end/reports';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/funds-employed?asOf[&currency][&clientId][&format=csv|pdf] (issue 16 item 6):
 * net funds employed per client and currency as of the end of a date, and the totals per currency.
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    const p = parseMonthEndParams(url.searchParams);
    const report = await fundsEmployedReport(db.sql, p);
    return reportAnswer(db.sql, url, report, { file: `funds-employed-${p.asOf}`, csv: fundsEmployedCsv, pdf: fundsEmployedPdf });
  },
  { session: true, transaction: false },
);

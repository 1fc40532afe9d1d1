import { apiRoute } from '@/lib/http/api';
import { reportAnswer } from '@/lib/reports/month-end/answer';
import { ineligiblesCsv, ineligiblesPdf } from '@/lib/reports/month-end/exports';
import { parseMonthEndParams } from '@/lib/reports/month-end/params';
import { ineligiblesReport } from '@/lib/reports/month-end/reports';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/ineligibles?asOf[&pastDueDays=90][&crossAgePercent=50][&currency][&clientId][&format=csv|pdf]
 * (issue 16 item 6): ineligibles (past due, disputed, cross-aged, over limit) and availability per
 * client and currency as of the end of a date.
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    const p = parseMonthEndParams(url.searchParams);
    const report = await ineligiblesReport(db.sql, p);
    return reportAnswer(db.sql, url, report, { file: `ineligibles-${p.asOf}`, csv: ineligiblesCsv, pdf: ineligiblesPdf });
  },
  { session: true, transaction: false },
);

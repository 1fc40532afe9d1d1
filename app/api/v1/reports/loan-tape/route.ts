import { apiRoute } from '@/lib/http/api';
import { badFormat } from '@/lib/reports/month-end/answer';
import { loanTapeStream } from '@/lib/reports/month-end/loan-tape';
import { parseMonthEndParams } from '@/lib/reports/month-end/params';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/loan-tape?asOf (issue 16 item 6): one CSV row per funded invoice open at the
 * end of the date, streamed in keyset batches (never capped). CSV only (`format` csv or absent).
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    const p = parseMonthEndParams(url.searchParams);
    const format = url.searchParams.get('format') ?? 'csv';
    if (format !== 'csv') throw badFormat(['csv']);
    return { status: 200, raw: { body: loanTapeStream(db.sql, p.asOf), contentType: 'text/csv; charset=utf-8', filename: `loan-tape-${p.asOf}.csv` } };
  },
  { session: true, transaction: false },
);

import { todayIn } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { renderRollForwardPdf } from '@/lib/reports/roll-forward-pdf';
import {
  pageRollForward,
  parseRollForwardQuery,
  reserveRollForward,
  rollForwardCsvStream,
  rollForwardRowOut,
  rollForwardTotalOut,
} from '@/lib/reports/roll-forward';
import { factorName } from '@/lib/statements';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/roll-forward?from&to[&clientId] (issue 16 item 6): the reserve roll-forward
 * per client and currency — `opening`, `withheld`, `fees`, `released`, `adjustments`, `closing`
 * (decimal strings) — and the portfolio total per currency, tied to the ledger. Staff who read
 * reports; a client user is refused (403). `limit` / `cursor` page the clients (the totals are
 * always the whole portfolio's); `?format=csv` streams every row and the totals, `?format=pdf`
 * the same as a PDF.
 */
export const GET = apiRoute(
  'section.reports',
  async ({ db, url }) => {
    const q = parseRollForwardQuery(url.searchParams);
    const report = await reserveRollForward(db.sql, q);
    const file = `reserve-roll-forward-${q.from}-to-${q.to}${q.clientId ? `-client-${q.clientId}` : ''}`;
    if (q.format === 'csv')
      return { status: 200, raw: { body: rollForwardCsvStream(report), contentType: 'text/csv; charset=utf-8', filename: `${file}.csv` } };
    if (q.format === 'pdf') {
      const pdf = await renderRollForwardPdf(report, await factorName(db));
      return { status: 200, raw: { body: new Uint8Array(pdf), contentType: 'application/pdf', filename: `${file}.pdf` } };
    }
    const page = pageRollForward(report.rows, { cursor: q.cursor, limit: q.limit });
    return {
      status: 200,
      body: {
        from: report.from,
        to: report.to,
        asOf: todayIn(),
        items: page.rows.map(rollForwardRowOut),
        nextCursor: page.nextCursor,
        totals: report.totals.map(rollForwardTotalOut),
      },
    };
  },
  { session: true },
);

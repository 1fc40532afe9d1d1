import { apiRoute } from '@/lib/http/api';
import { glExportCsv, parseGlExportMode } from '@/lib/reports/gl-export';
import { parsePeriod } from '@/lib/reports/roll-forward';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/reports/gl-export?from&to[&mode=summary|detail] (issue 16 item 7): the journal of
 * the period as CSV for the factor's general ledger, Holdback's accounts under the GL codes of
 * Settings → General ledger (unmapped ones under UNMAPPED-<ACCOUNT>-<CURRENCY>). `summary`: per
 * GL account, currency and day, debit and credit; `detail`: per journal line. Streamed; ends with
 * the totals per currency (debits equal credits). Admins, controllers and auditors.
 */
export const GET = apiRoute(
  'gl.export',
  async ({ db, url }) => {
    const { from, to } = parsePeriod({ from: url.searchParams.get('from') ?? undefined, to: url.searchParams.get('to') ?? undefined });
    const mode = parseGlExportMode(url.searchParams.get('mode'));
    const body = await glExportCsv(db.sql, { from, to, mode });
    return { status: 200, raw: { body, contentType: 'text/csv; charset=utf-8', filename: `gl-export-${mode}-${from}-to-${to}.csv` } };
  },
  { session: true },
);

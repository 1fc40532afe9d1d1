import { z } from 'zod';
import { afterStatements } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { parsePage, pageOf } from '@/lib/pagination';
import { issueStatementIn, listStatements, readStatementPdf } from '@/lib/statements';
import { businessDate } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** The period of a statement to issue: {"from","to"} (whether it has ended is the command's rule: 422). */
const body = z.object({ from: businessDate('Period start'), to: businessDate('Period end') });

/**
 * API.md: GET /clients/{id}/statements?from=YYYY-MM-DD&to=YYYY-MM-DD — the reserve statement as
 * application/pdf: the stored one of exactly that period, or else one rendered from the ledger
 * now. A GET writes nothing: it neither stores nor emails (issuing is the POST below).
 * Without from and to: the client's stored statements as JSON, newest first, paginated.
 * An API key, or the signed-in session of the console or the portal.
 */
export const GET = apiRoute(
  'statement.read',
  async ({ tx, actor, params, url }) => {
    const clientId = pathId(params.id, 'Client');
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    if (from === null && to === null) {
      const page = parsePage(url);
      const rows = await listStatements(tx, clientId, actor, { limit: page.limit + 1, after: page.after });
      return { status: 200, body: pageOf(rows, page, (r) => Number(r.id)) };
    }
    const file = await readStatementPdf(tx, { clientId, from, to }, actor);
    return {
      status: 200,
      raw: { body: file.pdf, contentType: 'application/pdf', filename: file.filename },
      headers: {
        'x-statement-sha256': file.sha256,
        'x-statement-stored': String(file.statementId !== null),
        ...(file.statementId ? { 'x-statement-id': file.statementId } : {}),
      },
    };
  },
  { session: true },
);

/**
 * POST /clients/{id}/statements {"from","to"} — issues the statement of a period that has ended:
 * stored once (201; a period issued before answers its stored statement, 200, `created: false`)
 * and announced to the client's contacts ("statement ready", queued with the statement).
 * Controllers and admins; Idempotency-Key as every POST.
 */
export const POST = apiRoute('statement.issue', body, async ({ tx, actor, params, input }) => {
  const issued = await issueStatementIn(tx, { clientId: pathId(params.id, 'Client'), from: input.from, to: input.to }, actor);
  return {
    status: issued.created ? 201 : 200,
    body: { ...issued.statement, created: issued.created, emailed: issued.emailed },
    after: issued.emailed > 0 ? afterStatements : undefined,
  };
});

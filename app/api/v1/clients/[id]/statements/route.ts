import { apiRoute, pathId } from '@/lib/http/api';
import { parsePage, pageOf } from '@/lib/pagination';
import { STATEMENT_READ_ROLES, issueStatement, listStatements, statementPdf, statementFilename } from '@/lib/statements';
import { getDatabase } from '@/db/client';
import { afterStatements } from '@/jobs/after-commit';

export const dynamic = 'force-dynamic';

/**
 * API.md: GET /clients/{id}/statements?from=YYYY-MM-DD&to=YYYY-MM-DD — the reserve statement as
 * application/pdf: the stored one, or (the first time) one issued from the ledger and stored.
 * Without from and to: the client's stored statements as JSON, newest first, paginated.
 * An API key, or the signed-in session of the console or the portal.
 */
export const GET = apiRoute<{ id: string }>(
  STATEMENT_READ_ROLES,
  async ({ tx, actor, params, url }) => {
    const clientId = pathId(params.id, 'Client');
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    if (from === null && to === null) {
      const page = parsePage(url);
      const rows = await listStatements(tx, clientId, actor, { limit: page.limit + 1, after: page.after });
      return { status: 200, body: pageOf(rows, page, (r) => Number(r.id)) };
    }
    const issued = await issueStatement(getDatabase(), { clientId, from, to }, actor);
    const file = await statementPdf(tx, clientId, Number(issued.statement.id), actor);
    return {
      status: 200,
      raw: { body: file.pdf, contentType: 'application/pdf', filename: statementFilename(clientId, issued.statement) },
      headers: { 'x-statement-id': issued.statement.id, 'x-statement-sha256': file.sha256, 'x-statement-created': String(issued.created) },
      after: issued.emailed > 0 ? afterStatements : undefined,
    };
  },
  { session: true },
);

import { apiRoute, pathId } from '@/lib/http/api';
import { statementPdf } from '@/lib/statements';

export const dynamic = 'force-dynamic';

/**
 * GET /clients/{id}/statements/{statementId} — a stored statement's PDF as issued, for an API
 * key or a signed-in person (the console's and the portal's download links). A client user
 * reaches its own client's statements only; anything else is 404.
 */
export const GET = apiRoute(
  'statement.read',
  async ({ tx, actor, params }) => {
    const file = await statementPdf(tx, pathId(params.id, 'Client'), pathId(params.statementId, 'Statement'), actor);
    return { status: 200, raw: { body: file.pdf, contentType: 'application/pdf', filename: file.filename }, headers: { 'x-statement-sha256': file.sha256 } };
  },
  { session: true },
);

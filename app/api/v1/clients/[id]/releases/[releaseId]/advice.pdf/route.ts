import { apiRoute, pathId } from '@/lib/http/api';
import { rebateAdvicePdf } from '@/lib/portal';

export const dynamic = 'force-dynamic';

/**
 * GET /clients/{id}/releases/{releaseId}/advice.pdf — a paid release's rebate advice as a PDF
 * (issue 14 item 5): the invoices behind the amount, offsets, holdbacks and the totals down to
 * the amount paid, as the portal's advice page shows them. For an API key or a signed-in person
 * (the portal's "Download advice (PDF)"); whoever may read the advice (`portfolio.read`) — a
 * client user its own client's only: another client's release, or one not paid, is 404.
 */
export const GET = apiRoute(
  'portfolio.read',
  async ({ tx, actor, params }) => {
    const file = await rebateAdvicePdf(tx, pathId(params.id, 'Client'), pathId(params.releaseId, 'Release'), actor);
    return { status: 200, raw: { body: file.pdf, contentType: 'application/pdf', filename: file.filename } };
  },
  { session: true },
);

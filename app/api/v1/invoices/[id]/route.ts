import { apiRoute, pathId } from '@/lib/http/api';
import { getInvoice } from '@/lib/invoices';

export const dynamic = 'force-dynamic';

/** API.md: GET /invoices/{id}. */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await getInvoice(tx, pathId(params.id, 'Invoice'), actor),
}));

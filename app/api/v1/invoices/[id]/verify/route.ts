import { apiRoute, pathId } from '@/lib/http/api';
import { verifyInvoice } from '@/lib/invoices';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices/{id}/verify (no body) → the invoice, status `verified`. */
export const POST = apiRoute('invoice.verify', async ({ tx, actor, params }) => ({
  status: 200,
  body: await verifyInvoice(tx, pathId(params.id, 'Invoice'), actor),
}));

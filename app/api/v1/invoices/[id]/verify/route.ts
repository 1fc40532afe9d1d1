import { apiRoute, pathId } from '@/lib/http/api';
import { INVOICE_WRITE_ROLES, verifyInvoice } from '@/lib/invoices';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices/{id}/verify → the invoice, status `verified`. */
export const POST = apiRoute<{ id: string }>(INVOICE_WRITE_ROLES, async ({ tx, actor, params }) => ({
  status: 200,
  body: await verifyInvoice(tx, pathId(params.id, 'Invoice'), actor),
}));

import { apiRoute } from '@/lib/http/api';
import { INVOICE_WRITE_ROLES, createInvoice } from '@/lib/invoices';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices → 201, status `submitted`; a duplicate number per client–debtor is 409. */
export const POST = apiRoute(INVOICE_WRITE_ROLES, async ({ tx, actor, body }) => ({
  status: 201,
  body: await createInvoice(tx, body, actor),
}));

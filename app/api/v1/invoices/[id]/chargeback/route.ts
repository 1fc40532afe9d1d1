import { chargebackInvoice } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices/{id}/chargeback {"date"} (recourse models). */
export const POST = apiRoute<{ id: string }>(['collections', 'controller'], async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await chargebackInvoice(tx, pathId(params.id, 'Invoice'), body, actor),
}));

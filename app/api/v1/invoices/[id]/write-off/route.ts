import { writeOffInvoice } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices/{id}/write-off {"date"} (non-recourse). */
export const POST = apiRoute<{ id: string }>(['collections', 'controller'], async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await writeOffInvoice(tx, pathId(params.id, 'Invoice'), body, actor),
}));

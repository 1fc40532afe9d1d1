import { openDispute } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices/{id}/disputes {"amount","reason"} → 201. */
export const POST = apiRoute<{ id: string }>(['collections'], async ({ tx, actor, params, body }) => ({
  status: 201,
  body: await openDispute(tx, pathId(params.id, 'Invoice'), body, actor),
}));

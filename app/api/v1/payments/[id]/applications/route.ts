import { COLLECTIONS_ROLES, applyPayment } from '@/lib/collections/payments';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /payments/{id}/applications {allocations, shortPay} → 201; more than unapplied → 409. */
export const POST = apiRoute<{ id: string }>(COLLECTIONS_ROLES, async ({ tx, actor, params, body }) => ({
  status: 201,
  body: await applyPayment(tx, pathId(params.id, 'Payment'), body, actor),
}));

import { resolveDispute } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** API.md: POST /invoices/{id}/disputes/{disputeId}/resolve {"outcome": "paid|credit_note|chargeback", "amount"}. */
export const POST = apiRoute<{ id: string; disputeId: string }>(['collections'], async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await resolveDispute(tx, pathId(params.id, 'Invoice'), pathId(params.disputeId, 'Dispute'), body, actor),
}));

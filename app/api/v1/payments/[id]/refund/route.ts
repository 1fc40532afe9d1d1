import { COLLECTIONS_ROLES, refundPayment } from '@/lib/collections/payments';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** Gives back an overpayment: {"amount"?, "date"?} (default: all that is unapplied, on the received date). */
export const POST = apiRoute<{ id: string }>(COLLECTIONS_ROLES, async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await refundPayment(tx, pathId(params.id, 'Payment'), (body ?? {}) as { amount?: unknown; date?: unknown }, actor),
}));

import { apiRoute, pathId } from '@/lib/http/api';
import { mergeRequestSchema, requestDebtorMerge } from '@/lib/debtors/merge';

export const dynamic = 'force-dynamic';

/**
 * POST /debtors/{id}/merge `{"intoDebtorId", "reason"}` → 201, the merge `pending` until someone
 * else approves it (POST /debtor-merges/{id}/approve). 409 `invoice_numbers_collide` names the
 * invoices that share a number under both debtors for one client.
 */
export const POST = apiRoute('debtor.merge_request', mergeRequestSchema, async ({ tx, actor, params, input }) => ({
  status: 201,
  body: await requestDebtorMerge(tx, pathId(params.id, 'Debtor'), input, actor),
}));

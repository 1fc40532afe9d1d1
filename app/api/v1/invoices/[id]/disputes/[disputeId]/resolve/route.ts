import { z } from 'zod';
import { resolveDispute } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate, choice, money, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"outcome": "paid|credit_note|chargeback", "amount"?, "date"?}. */
const body = z.object({
  outcome: choice('Outcome', ['paid', 'credit_note', 'chargeback']),
  amount: optional(money('Amount')),
  date: optional(businessDate('Resolution date')),
});

/** API.md: POST /invoices/{id}/disputes/{disputeId}/resolve {"outcome": "paid|credit_note|chargeback", "amount"}. */
export const POST = apiRoute('dispute.open', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await resolveDispute(tx, pathId(params.id, 'Invoice'), pathId(params.disputeId, 'Dispute'), input, actor),
}));

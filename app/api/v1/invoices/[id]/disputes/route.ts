import { z } from 'zod';
import { openDispute } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate, money, optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"amount","reason","date"?} — the amount is bounded by what is still owed (the command's rule). */
const body = z.object({
  amount: money('Disputed amount'),
  reason: text('Reason', { max: 2000 }),
  date: optional(businessDate('Dispute date')),
});

/** API.md: POST /invoices/{id}/disputes {"amount","reason"} → 201. */
export const POST = apiRoute('dispute.open', body, async ({ tx, actor, params, input }) => ({
  status: 201,
  body: await openDispute(tx, pathId(params.id, 'Invoice'), input, actor),
}));

import { z } from 'zod';
import { refundPayment } from '@/lib/collections/payments';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate, money, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"amount"?, "date"?}: by default all that is unapplied, on the received date. */
const body = z.object({
  amount: optional(money('Refund amount')),
  date: optional(businessDate('Refund date')),
});

/** Gives back an overpayment: {"amount"?, "date"?} (default: all that is unapplied, on the received date). */
export const POST = apiRoute('payment.apply', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await refundPayment(tx, pathId(params.id, 'Payment'), input, actor),
}));

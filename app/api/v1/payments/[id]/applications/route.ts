import { z } from 'zod';
import { afterWebhookEvents } from '@/jobs/after-commit';
import { applyPayment } from '@/lib/collections/payments';
import { apiRoute, pathId } from '@/lib/http/api';
import { array, choice, id, money, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"allocations": [{"invoiceId","amount"}], "shortPay": "accept|dispute|chargeback"?}: each invoice once. */
const body = z.object({
  allocations: array('Allocations', z.object({ invoiceId: id('Invoice'), amount: money('Amount') }), { min: 1, max: 10_000 }).refine(
    (a) => new Set(a.map((x) => x.invoiceId)).size === a.length,
    { error: 'Allocations name an invoice twice' },
  ),
  shortPay: optional(choice('Short pay', ['accept', 'dispute', 'chargeback'])),
});

/** API.md: POST /payments/{id}/applications {allocations, shortPay} → 201; more than unapplied → 409. */
export const POST = apiRoute('payment.apply', body, async ({ tx, actor, params, input }) => ({
  status: 201,
  body: await applyPayment(tx, pathId(params.id, 'Payment'), input, actor),
  after: afterWebhookEvents,
}));

import { z } from 'zod';
import { paymentList } from '@/lib/collections/payment-list';
import { receivePayment } from '@/lib/collections/payments';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { businessDate, checkMinorUnits, currency, money, optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** API.md POST /payments {"amount","currency","receivedDate","payerName","reference"}. */
const body = z
  .object({
    amount: money('Amount', { allowZero: false }),
    currency: currency('Currency'),
    receivedDate: businessDate('Received date'),
    payerName: optional(text('Payer name', { max: 300 })),
    reference: optional(text('Reference', { max: 4000 })),
  })
  .superRefine((v, ctx) => checkMinorUnits(ctx, ['amount'], 'Amount', v.amount, v.currency));

/** API.md: POST /payments → 201 with status, unapplied and suggestions (exact matches applied). */
export const POST = apiRoute('payment.apply', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await receivePayment(tx, input, actor, { source: 'api' }),
}));

/**
 * Payments, newest received first, keyset-paged (issue 13): `sort` received|amount|status,
 * `order`, filters `status`, `from`/`to` (received), `minAmount`/`maxAmount`, `currency`,
 * `debtorId`, `debtorName`, `payer`, `reference` (contains), `toApply=yes` (the inbox); `total`; `?format=csv` streams the whole
 * filtered set (the console's Export CSV, with the signed-in session).
 */
export const GET = apiRoute('staff.read', async ({ tx, url }) => listAnswer(tx.sql, paymentList(tx.sql), url), { session: true });

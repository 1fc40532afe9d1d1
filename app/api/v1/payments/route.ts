import { z } from 'zod';
import { receivePayment } from '@/lib/collections/payments';
import { apiRoute } from '@/lib/http/api';
import { moneyOut } from '@/lib/money';
import { parsePage, pageOf } from '@/lib/pagination';
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

/** Payments newest first, paginated; ?status=unapplied|partially_applied|applied|refunded. */
export const GET = apiRoute('staff.read', async ({ tx, url }) => {
  const page = parsePage(url);
  const status = url.searchParams.get('status');
  const rows = await tx.sql<
    { id: string; status: string; currency: string; amount: string; unapplied: string; received_date: string; payer_name: string; reference: string }[]
  >`
    select id, status, currency, amount, unapplied, received_date, payer_name, reference from payments
     where (${status}::text is null or status = ${status}) and (${page.after}::bigint is null or id < ${page.after})
     order by id desc limit ${page.limit + 1}`;
  const { items, nextCursor } = pageOf(rows, page, (r) => Number(r.id));
  return {
    status: 200,
    body: {
      items: items.map((r) => ({
        id: r.id,
        status: r.status,
        currency: r.currency,
        amount: moneyOut(r.amount, r.currency),
        unapplied: moneyOut(r.unapplied, r.currency),
        receivedDate: r.received_date,
        payerName: r.payer_name,
        reference: r.reference,
      })),
      nextCursor,
    },
  };
});

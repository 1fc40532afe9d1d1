import { STAFF_ROLES } from '@/lib/auth/roles';
import { COLLECTIONS_ROLES, receivePayment } from '@/lib/collections/payments';
import { apiRoute } from '@/lib/http/api';
import { parsePage, pageOf } from '@/lib/pagination';
import { moneyOut } from '@/lib/money';

export const dynamic = 'force-dynamic';

/** API.md: POST /payments → 201 with status, unapplied and suggestions (exact matches applied). */
export const POST = apiRoute(COLLECTIONS_ROLES, async ({ tx, actor, body }) => ({
  status: 201,
  body: await receivePayment(tx, body, actor, { source: 'api' }),
}));

/** Payments newest first, paginated; ?status=unapplied|partially_applied|applied|refunded. */
export const GET = apiRoute(STAFF_ROLES, async ({ tx, url }) => {
  const page = parsePage(url);
  const status = url.searchParams.get('status');
  const rows = await tx.sql<{ id: string; status: string; currency: string; amount: string; unapplied: string; received_date: string; payer_name: string; reference: string }[]>`
    select id, status, currency, amount, unapplied, received_date, payer_name, reference from payments
     where (${status}::text is null or status = ${status}) and (${page.after}::bigint is null or id < ${page.after})
     order by id desc limit ${page.limit + 1}`;
  const { items, nextCursor } = pageOf(rows, page, (r) => Number(r.id));
  return {
    status: 200,
    body: {
      items: items.map((r) => ({ id: r.id, status: r.status, currency: r.currency, amount: moneyOut(r.amount, r.currency), unapplied: moneyOut(r.unapplied, r.currency), receivedDate: r.received_date, payerName: r.payer_name, reference: r.reference })),
      nextCursor,
    },
  };
});

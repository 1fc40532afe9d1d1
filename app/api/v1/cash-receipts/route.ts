import { cashReceiptList } from '@/lib/collections/cash-receipts';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';

export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 5: the cash receipts journal — one item per application of a payment to an invoice,
 * newest first, keyset-paged: `sort` date|amount, `order`, filters `from`/`to` (the date applied),
 * `currency`, `clientId`, `clientName`, `debtorId`, `debtorName` (contains), `invoice` (the number,
 * any case); `total`; `?format=csv` streams the whole filtered set (the console's Export CSV, with
 * the signed-in session).
 */
export const GET = apiRoute('staff.read', async ({ tx, url }) => listAnswer(tx.sql, cashReceiptList(tx.sql), url), { session: true });

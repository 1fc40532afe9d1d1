import { todayIn } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api';
import { createInvoice } from '@/lib/invoices';
import { invoiceInputSchema } from '@/lib/invoices/input';
import { invoiceCsv, invoiceList, invoiceListParams, invoicePage } from '@/lib/invoices/list';
import { csvFileName, listBody, parseListRequest } from '@/lib/lists/keyset';

export const dynamic = 'force-dynamic';

/**
 * API.md GET /invoices (issue 13): `?limit&cursor&sort&order` and the list's filters (lib/invoices/list.ts)
 * → `{"items","nextCursor","prevCursor","total","totalApproximate","sort","order"}`; `?format=csv` streams
 * the whole filtered set. A client user's key (or session) lists only its own client's invoices. The
 * console's Export CSV link signs in with the session.
 */
export const GET = apiRoute(
  'portfolio.read',
  async ({ db, actor, url }) => {
    const format = url.searchParams.get('format') ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new DomainError('invalid_input', 'Format must be json or csv', { status: 400, details: { format: 'Format must be json or csv' } });
    }
    const request = parseListRequest(invoiceList, invoiceListParams(url.searchParams));
    const today = todayIn();
    if (format === 'csv') {
      return {
        status: 200,
        raw: { body: invoiceCsv(db.sql, actor, request, today), contentType: 'text/csv; charset=utf-8', filename: csvFileName('invoices', today) },
      };
    }
    return { status: 200, body: listBody(await invoicePage(db.sql, actor, request, today)) };
  },
  { session: true },
);

/** API.md POST /invoices {"clientId","debtorId","number","faceValue","currency","issueDate","dueDate"}. */
const body = invoiceInputSchema('api');

/** API.md: POST /invoices → 201, status `submitted`; a duplicate number per client–debtor is 409. */
export const POST = apiRoute('invoice.create', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await createInvoice(tx, input, actor),
}));

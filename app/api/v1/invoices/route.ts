import { apiRoute } from '@/lib/http/api';
import { createInvoice } from '@/lib/invoices';
import { invoiceInputSchema } from '@/lib/invoices/input';

export const dynamic = 'force-dynamic';

/** API.md POST /invoices {"clientId","debtorId","number","faceValue","currency","issueDate","dueDate"}. */
const body = invoiceInputSchema('api');

/** API.md: POST /invoices → 201, status `submitted`; a duplicate number per client–debtor is 409. */
export const POST = apiRoute('invoice.create', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await createInvoice(tx, input, actor),
}));

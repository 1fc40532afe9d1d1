import { z } from 'zod';
import { apiRoute } from '@/lib/http/api';
import { createInvoice } from '@/lib/invoices';
import { businessDate, checkMinorUnits, currency, id, invoiceNumber, money } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** API.md POST /invoices {"clientId","debtorId","number","faceValue","currency","issueDate","dueDate"}. */
const body = z
  .object({
    clientId: id('Client'),
    debtorId: id('Debtor'),
    number: invoiceNumber('Invoice number', { max: 80 }),
    faceValue: money('Face value', { allowZero: false }),
    currency: currency('Currency'),
    issueDate: businessDate('Issue date'),
    dueDate: businessDate('Due date'),
  })
  .superRefine((v, ctx) => {
    checkMinorUnits(ctx, ['faceValue'], 'Face value', v.faceValue, v.currency);
    if (v.dueDate < v.issueDate) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: `Due date must not be before the issue date (${v.issueDate})` });
  });

/** API.md: POST /invoices → 201, status `submitted`; a duplicate number per client–debtor is 409. */
export const POST = apiRoute('invoice.create', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await createInvoice(tx, input, actor),
}));

import { statementSendsForInvoice } from '@/lib/debtor-statements/log';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * GET /invoices/{id}/statement-sends (issue 15 item 4): the statements and reminders that listed
 * the invoice, newest first — `{"items":[{"sendId","at","kind","step","what","asOf","to","by",
 * "currency","openThen","email","emailSentAt"}]}` (the invoice page's "Reminders and statements sent"). Staff.
 */
export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: { items: await statementSendsForInvoice(tx.sql, pathId(params.id, 'Invoice'), actor) },
}));

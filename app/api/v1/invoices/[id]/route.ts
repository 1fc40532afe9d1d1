import { can } from '@/lib/auth/permissions';
import { apiRoute, pathId } from '@/lib/http/api';
import { getInvoice } from '@/lib/invoices';
import { listVerifications } from '@/lib/verifications';

export const dynamic = 'force-dynamic';

/**
 * API.md: GET /invoices/{id}, with (issue 15) its `verifications`, newest first — for staff: a
 * client user's key reads the invoice without the factor's notes of its calls to the debtor.
 */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => {
  const id = pathId(params.id, 'Invoice');
  const invoice = await getInvoice(tx, id, actor);
  return { status: 200, body: can(actor, 'staff.read') ? { ...invoice, verifications: await listVerifications(tx, id) } : invoice };
});

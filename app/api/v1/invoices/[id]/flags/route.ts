import { apiRoute, pathId } from '@/lib/http/api';
import { listInvoiceFlags } from '@/lib/intake/flags';

export const dynamic = 'force-dynamic';

/** Issue 16 item 5: the invoice's intake flags, open first: `{"flags":[…]}` (staff). */
export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: { flags: await listInvoiceFlags(tx, pathId(params.id, 'Invoice'), actor) },
}));

import { recordDebtorApproval } from '@/lib/debtors';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** `reverse` agreements: the debtor's approval of the invoice, {"date"}, recorded before funding. */
export const POST = apiRoute<{ id: string }>(['funding', 'underwriter'], async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await recordDebtorApproval(tx, pathId(params.id, 'Invoice'), (body ?? {}) as { date?: unknown }, actor),
}));

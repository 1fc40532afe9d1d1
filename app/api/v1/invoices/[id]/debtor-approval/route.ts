import { z } from 'zod';
import { recordDebtorApproval } from '@/lib/debtors';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ date: businessDate('Debtor approval date') });

/** `reverse` agreements: the debtor's approval of the invoice, {"date"}, recorded before funding. */
export const POST = apiRoute('debtor.approval', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await recordDebtorApproval(tx, pathId(params.id, 'Invoice'), input, actor),
}));

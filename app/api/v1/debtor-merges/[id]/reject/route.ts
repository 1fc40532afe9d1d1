import { z } from 'zod';
import { rejectDebtorMerge } from '@/lib/debtors/merge';
import { apiRoute, pathId } from '@/lib/http/api';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ reason: optional(text('Reason', { max: 2000 })) });

/** POST /debtor-merges/{id}/reject `{"reason"}` → 200; a rejection needs a reason (400 `reason_required`). */
export const POST = apiRoute('debtor.merge_approve', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await rejectDebtorMerge(tx, pathId(params.id, 'Debtor merge'), { reason: input.reason }, actor),
}));

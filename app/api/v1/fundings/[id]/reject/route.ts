import { z } from 'zod';
import { rejectFundingBatch } from '@/lib/funding';
import { apiRoute, pathId } from '@/lib/http/api';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"reason"}: a rejection without one is refused by the command (400 reason_required). */
const body = z.object({ reason: optional(text('Reason', { max: 2000 })) });

/** Rejects a held batch with a reason (400 without one). */
export const POST = apiRoute('funding.approve', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await rejectFundingBatch(tx, pathId(params.id, 'Funding batch'), input.reason, actor),
}));

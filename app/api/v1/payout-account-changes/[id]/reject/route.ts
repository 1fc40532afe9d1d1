import { z } from 'zod';
import { apiRoute, pathId } from '@/lib/http/api';
import { rejectPayoutAccountChange } from '@/lib/clients/payout-changes';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ reason: optional(text('Reason', { max: 2000 })) });

/** POST /payout-account-changes/{id}/reject {"reason"} → 200; a rejection needs a reason (400 `reason_required`); not by its requester (403). */
export const POST = apiRoute('client.payout_account_approve', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await rejectPayoutAccountChange(tx, pathId(params.id, 'Payout account change'), { reason: input.reason }, actor),
}));

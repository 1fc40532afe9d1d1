import { z } from 'zod';
import { apiRoute, pathId } from '@/lib/http/api';
import { cancelPayoutAccountChange } from '@/lib/clients/payout-changes';
import { optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ reason: optional(text('Reason', { max: 2000 })) });

/** POST /payout-account-changes/{id}/cancel {"reason"?} → 200: the request is withdrawn (e.g. typed wrong); the account stays as it was. */
export const POST = apiRoute('client.payout_account', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await cancelPayoutAccountChange(tx, pathId(params.id, 'Payout account change'), { reason: input.reason }, actor),
}));

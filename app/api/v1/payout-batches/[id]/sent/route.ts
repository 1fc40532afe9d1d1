import { afterWebhookEvents } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { batchDateSchema, markSent } from '@/lib/payouts';

export const dynamic = 'force-dynamic';

/** Issue 14 (SPEC 5.3): {"date"} marks the batch sent; asked again, it posts nothing and answers the batch. */
export const POST = apiRoute('payout.batch', batchDateSchema, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await markSent(tx, pathId(params.id, 'Payout batch'), input, actor),
  after: afterWebhookEvents,
}));

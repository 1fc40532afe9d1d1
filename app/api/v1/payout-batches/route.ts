import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { batchList, createBatch, createBatchSchema } from '@/lib/payouts';

export const dynamic = 'force-dynamic';

/** Issue 14: payout batches, newest first (a list: sort created|valueDate; filters status, currency, from/to value date). */
export const GET = apiRoute('payout.download', async ({ tx, url }) => listAnswer(tx.sql, batchList(tx.sql), url), { session: true });

/**
 * {"currency","valueDate"} → 201 the batch of every approved (or returned) release of that currency
 * not in a live batch; the open batch of that date if another person made it first → 200 with it.
 */
export const POST = apiRoute('payout.batch', createBatchSchema, async ({ tx, actor, input }) => {
  const { batch, created } = await createBatch(tx, input, actor);
  return { status: created ? 201 : 200, body: batch };
});

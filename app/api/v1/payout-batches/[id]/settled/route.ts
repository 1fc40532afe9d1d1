import { apiRoute, pathId } from '@/lib/http/api';
import { batchDateSchema, markSettled } from '@/lib/payouts';

export const dynamic = 'force-dynamic';

/** Issue 14 (SPEC 5.3): {"date"} marks the batch settled; asked again, it posts nothing and answers the batch. */
export const POST = apiRoute('payout.batch', batchDateSchema, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await markSettled(tx, pathId(params.id, 'Payout batch'), input, actor),
}));

import { apiRoute, pathId } from '@/lib/http/api';
import { getBatch } from '@/lib/payouts';

export const dynamic = 'force-dynamic';

/** Issue 14: a payout batch with its releases (live or returned, with trace numbers once its NACHA file exists). */
export const GET = apiRoute('payout.download', async ({ tx, actor, params }) => ({
  status: 200,
  body: await getBatch(tx, pathId(params.id, 'Payout batch'), actor),
}));

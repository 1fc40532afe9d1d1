import { getFundingBatch } from '@/lib/funding';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await getFundingBatch(tx, pathId(params.id, 'Funding batch'), actor),
}));

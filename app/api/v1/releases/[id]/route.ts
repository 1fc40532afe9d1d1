import { apiRoute, pathId } from '@/lib/http/api';
import { getRelease } from '@/lib/releases';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await getRelease(tx, pathId(params.id, 'Release'), actor),
}));

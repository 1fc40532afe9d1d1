import { todayIn } from '@/lib/dates';
import { apiRoute, pathId } from '@/lib/http/api';
import { reserveReport } from '@/lib/releases';

export const dynamic = 'force-dynamic';

/** API.md: GET /clients/{id}/reserve?asOf= — held, releasable (what a cycle on asOf would release), offsets. */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params, url }) => ({
  status: 200,
  body: await reserveReport(tx, pathId(params.id, 'Client'), url.searchParams.get('asOf') ?? todayIn(), actor),
}));

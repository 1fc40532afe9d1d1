import { apiRoute, pathId } from '@/lib/http/api';
import { getClient } from '@/lib/clients';

export const dynamic = 'force-dynamic';

/** API.md: GET /clients/{id} — the client with its current agreement. */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await getClient(tx, pathId(params.id, 'Client'), actor),
}));

import { apiRoute, pathId } from '@/lib/http/api';
import { clientRisk } from '@/lib/risk';

export const dynamic = 'force-dynamic';

/** Issue 16: GET /clients/{id}/risk — the latest risk score, its band and parts, the history and any band change waiting for approval. */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await clientRisk(tx, pathId(params.id, 'Client'), actor),
}));

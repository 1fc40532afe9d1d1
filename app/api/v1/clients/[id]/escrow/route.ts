import { apiRoute, pathId } from '@/lib/http/api';
import { clientEscrow } from '@/lib/releases/escrow';

export const dynamic = 'force-dynamic';

/** Issue 16 item 3: GET /clients/{id}/escrow — the escrow policy's share and cap, and each currency's escrow held (README "Escrow cap"). */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await clientEscrow(tx, pathId(params.id, 'Client'), actor),
}));

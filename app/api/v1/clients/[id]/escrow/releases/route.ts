import { apiRoute, pathId } from '@/lib/http/api';
import { requestEscrowRelease } from '@/lib/releases/escrow';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 3: POST /clients/{id}/escrow/releases {"currency","asOf","amount"?,"reason"?} → 201,
 * an escrow release waiting for approval (approve or reject it as any release: POST
 * /releases/{id}/approve by another person; above the controller threshold a controller too).
 */
export const POST = apiRoute('release.run_cycle', async ({ tx, actor, params, body }) => ({
  status: 201,
  body: await requestEscrowRelease(tx, pathId(params.id, 'Client'), body, actor),
}));

import { recordNoa } from '@/lib/debtors';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/** Notice of assignment for a client–debtor pair: {"debtorId","sentDate","acknowledgedDate"}. */
export const POST = apiRoute<{ id: string }>(['underwriter'], async ({ tx, actor, params, body }) => ({
  status: 200,
  body: await recordNoa(tx, pathId(params.id, 'Client'), body, actor),
}));

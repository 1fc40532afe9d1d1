import type { Tx } from '../../db/client';
import { Big } from '../money';

/** Open proposals (pending approval) per client and currency, to count against what is releasable. */
export async function openProposals(tx: Tx, clientIds: number[], exceptReleaseId?: number): Promise<Map<string, { id: number; amount: Big }>> {
  const rows = await tx.sql<{ id: string; client_id: string; currency: string; amount: string }[]>`
    select id, client_id, currency, amount from releases
     where client_id = any(${clientIds}::bigint[]) and status = 'pending_approval' and kind = 'reserve' and id <> ${exceptReleaseId ?? 0}`;
  return new Map(rows.map((r) => [`${r.client_id}|${r.currency}`, { id: Number(r.id), amount: new Big(r.amount) }]));
}

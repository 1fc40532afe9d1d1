import type { RawSql } from '../../db/client';
import { moneyOut } from '../money';

export interface WaitingForBatch {
  currency: string;
  /** releases a batch of this currency would take now */
  releases: number;
  total: string;
  /** approved releases left out because their client's payout account is flagged by a return or waits for a change to be approved */
  flagged: number;
}

/**
 * What is approved and not yet in a live payout batch, per currency (Releases → Payouts): the
 * releases eligibleReleasesSql() would take, counted without locking, and those a flagged payout
 * account or a payout account change waiting for approval holds back. Reads releases by status (releases_status_id_idx): a few rows per cycle.
 */
export async function waitingForBatch(sql: RawSql): Promise<WaitingForBatch[]> {
  const rows = await sql<{ currency: string; releases: number; total: string; flagged: number }[]>`
    select r.currency,
           (count(*) filter (where not h.held))::int as releases,
           coalesce(sum(r.approved_amount) filter (where not h.held), 0)::text as total,
           (count(*) filter (where h.held))::int as flagged
      from releases r join clients c on c.id = r.client_id
      cross join lateral (select c.payout_account_flag is not null
                                 or exists (select 1 from payout_account_changes pc where pc.client_id = c.id and pc.status = 'pending') as held) h
     where r.status in ('approved', 'returned') and r.approved_amount > 0
       and not exists (select 1 from payout_batch_items i where i.release_id = r.id and i.status = 'live')
     group by r.currency order by r.currency`;
  return rows.map((r) => ({ currency: r.currency.trim(), releases: r.releases, total: moneyOut(r.total, r.currency.trim()), flagged: r.flagged }));
}

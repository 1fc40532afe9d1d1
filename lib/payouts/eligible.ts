import type { RawSql } from '../../db/client';
import { clientsWithPendingPayoutChange } from '../clients/payout-changes';

/**
 * THE rule of which releases a payout batch takes (SPEC 5.3, issue 14) — in one place, so a
 * later condition (e.g. "the client has no payout-account change waiting") is added here only:
 * approved or returned releases of the currency, with an amount, approved as of the batch's value
 * date or before (a release of the 20th is not paid by a batch the bank pays on the 16th), not in
 * a live batch, whose client's payout account is not flagged by a return nor waiting for a change
 * to be approved (issue 14 item 4: a rebate is never paid to an account about to change). Oldest first, each row locked: a release
 * taken by a parallel batch is re-read under its lock (status `in_batch`) and left out, and the
 * partial unique index payout_batch_items_one_live refuses it anyway.
 */
export function eligibleReleasesSql(sql: RawSql, currency: string, valueDate: string) {
  return sql<{ id: string; client_id: string; amount: string }[]>`
    select r.id, r.client_id, r.approved_amount as amount
      from releases r join clients c on c.id = r.client_id
     where r.status in ('approved', 'returned') and r.currency = ${currency} and r.approved_amount > 0
       and r.as_of <= ${valueDate}::date
       and c.payout_account_flag is null
       and c.id not in (${clientsWithPendingPayoutChange(sql)})
       and not exists (select 1 from payout_batch_items i where i.release_id = r.id and i.status = 'live')
     order by r.id
       for update of r`;
}

import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import { parseBusinessDate } from '../dates';
import { chargebackInvoice } from './disputes';

/**
 * SPEC 5.2 / 7 "recourse sweep": every open invoice under a recourse-type agreement still unpaid
 * `recourseDays` after funding is charged back, each in its own transaction. Running it again
 * finds nothing left to do (charged-back invoices are no longer open): idempotent.
 */
export async function recourseSweep(
  database: Database,
  options: { asOf: string; by: Actor; onProgress?: (done: number, total: number) => Promise<void> | void },
): Promise<{ asOf: string; chargedBack: number; invoiceIds: string[] }> {
  const asOf = parseBusinessDate(options.asOf, 'asOf');
  const due = await database.sql<{ id: string }[]>`
    select i.id from invoices i join agreements a on a.id = i.agreement_id
     where i.status in ('funded', 'disputed') and i.outstanding > 0 and a.model <> 'non_recourse'
       and i.funding_date + coalesce((a.terms->>'recourseDays')::int, 90) <= ${asOf}::date
     order by i.id`;
  const done: string[] = [];
  for (const [k, row] of due.entries()) {
    await database.transaction(async (tx) => {
      const [still] = await tx.sql<{ status: string }[]>`select status from invoices where id = ${row.id} for update`;
      if (still && (still.status === 'funded' || still.status === 'disputed')) {
        await chargebackInvoice(tx, Number(row.id), { date: asOf }, options.by);
        done.push(row.id);
      }
    });
    await options.onProgress?.(k + 1, due.length);
  }
  return { asOf, chargedBack: done.length, invoiceIds: done };
}

import type { Tx } from '../../db/client';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import { cycleErrorSql, cycleStatusSql } from './cycle-status';
import type { CycleSummary } from './queries';

/** A release cycle with its progress (clients done of due), totals and when it finished. */
export type CycleView = CycleSummary & { finishedAt: string | null };

/** The columns a CycleView is read from (status and error as cycle-status.ts derives them). */
export type CycleRow = {
  id: string;
  as_of: string;
  kind: string;
  status: string;
  error: string | null;
  clients_due: number;
  clients_done: number;
  totals: Record<string, number> | null;
  created_by_label: string;
  created_at: string;
  finished_at: string | null;
};

export function cycleView(r: CycleRow): CycleView {
  return {
    id: r.id,
    asOf: r.as_of,
    kind: r.kind,
    status: r.status,
    error: r.error,
    clientsDue: r.clients_due,
    clientsDone: r.clients_done,
    totals: r.totals ?? {},
    createdBy: r.created_by_label,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/** One release cycle with its progress (clients done of due) and totals, for its screen. */
export async function getCycle(tx: Tx, id: number): Promise<CycleView> {
  const [r] = await tx.sql<CycleRow[]>`
    select id, as_of, kind, ${tx.sql.unsafe(cycleStatusSql)} as status, ${tx.sql.unsafe(cycleErrorSql)} as error, clients_due, clients_done, totals, created_by_label,
           to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at,
           to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as finished_at
      from release_cycles where id = ${id}`;
  if (!r) throw notFound('Release cycle', id);
  return cycleView(r);
}

export interface ReleaseEntryLine {
  entryId: string;
  kind: string;
  memo: string;
  account: string;
  invoiceNumber: string | null;
  /** debit positive, credit negative, in the currency's minor units */
  amount: string;
}

/**
 * The journal entries a release posted (the release, then each payout step: sent, settled,
 * returned — issue 14), line by line — found through the client's entries from the release's
 * date on (indexed), not a scan of the journal.
 */
export async function releaseEntries(
  tx: Tx,
  release: { id: string | number; clientId: string | number; asOf: string; currency: string },
): Promise<ReleaseEntryLine[]> {
  const rows = await tx.sql<{ entry_id: string; kind: string; memo: string; code: string; number: string | null; amount: string }[]>`
    select e.id as entry_id, e.kind, e.memo, a.code, i.number, l.amount
      from journal_entries e
      join journal_lines l on l.entry_id = e.id
      join ledger_accounts a on a.id = l.account_id
      left join invoices i on i.id = l.invoice_id
     where e.client_id = ${release.clientId} and e.effective_date >= ${release.asOf}::date and e.release_id = ${release.id}
     order by e.id, l.id`;
  return rows.map((r) => ({
    entryId: r.entry_id,
    kind: r.kind,
    memo: r.memo,
    account: r.code,
    invoiceNumber: r.number,
    amount: moneyOut(r.amount, release.currency),
  }));
}

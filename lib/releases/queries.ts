import type { Tx } from '../../db/client';
import { assertClientScope, type Actor } from '../auth/actor';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import { loadReleases, releaseView, type ReleaseView } from './release-rows';

/** One journal entry posted for a release, its lines summed per account (issue 14: each payout step shows its entry). */
export interface ReleasePosting {
  entryId: string;
  /** release (reserve → client payable), payout_sent, payout_settled, payout_return; `payout` before issue 14 */
  kind: string;
  date: string;
  idempotencyKey: string;
  memo: string;
  lines: { account: string; amount: string }[];
}

/** A release's entries, oldest first (from its as-of date, on the client's entries index). */
export async function releasePostings(
  tx: Tx,
  release: { id: number | string; clientId: number | string; asOf: string; currency: string },
): Promise<ReleasePosting[]> {
  const rows = await tx.sql<{ id: string; kind: string; date: string; key: string; memo: string; code: string; amount: string }[]>`
    select e.id::text as id, e.kind, e.effective_date::text as date, e.idempotency_key as key, e.memo, a.code, sum(l.amount)::text as amount
      from journal_entries e join journal_lines l on l.entry_id = e.id join ledger_accounts a on a.id = l.account_id
     where e.client_id = ${release.clientId} and e.effective_date >= ${release.asOf}::date and e.release_id = ${release.id}
     group by e.id, a.code order by e.id, min(l.id)`;
  const byEntry = new Map<string, ReleasePosting>();
  for (const r of rows) {
    let p = byEntry.get(r.id);
    if (!p) byEntry.set(r.id, (p = { entryId: r.id, kind: r.kind, date: r.date, idempotencyKey: r.key, memo: r.memo, lines: [] }));
    p.lines.push({ account: r.code, amount: moneyOut(r.amount, release.currency) });
  }
  return [...byEntry.values()];
}

/**
 * A release as API.md shows it, with its payout batch (`batchId`) and the entries posted at each
 * step (`entries`); a client user's only if it is its own (404 otherwise).
 */
export async function getRelease(tx: Tx, id: number, actor: Actor): Promise<ReleaseView & { entries: ReleasePosting[] }> {
  const [row] = await loadReleases(tx, { id });
  if (!row) throw notFound('Release', id);
  assertClientScope(actor, Number(row.client_id), 'Release');
  const view = releaseView(row);
  return { ...view, entries: await releasePostings(tx, { id, clientId: row.client_id, asOf: row.as_of, currency: row.currency }) };
}

/** Releases, newest first, by cycle or status. */
export async function listReleases(tx: Tx, filter: { cycleId?: number; status?: string; limit?: number } = {}): Promise<ReleaseView[]> {
  return (await loadReleases(tx, filter)).map(releaseView);
}

export interface CycleSummary {
  id: string;
  asOf: string;
  kind: string;
  status: string;
  /** why a failed cycle stopped */
  error: string | null;
  clientsDue: number;
  clientsDone: number;
  totals: Record<string, number>;
  createdBy: string;
  createdAt: string;
}

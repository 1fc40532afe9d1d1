import type { Tx } from '../../db/client';
import { assertClientScope, type Actor } from '../auth/actor';
import { toCsv } from '../csv';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import { loadReleases, releaseView, type ReleaseView } from './release-rows';

/** A release as API.md shows it; a client user's only if it is its own (404 otherwise). */
export async function getRelease(tx: Tx, id: number, actor: Actor): Promise<ReleaseView> {
  const [row] = await loadReleases(tx, { id });
  if (!row) throw notFound('Release', id);
  assertClientScope(actor, Number(row.client_id), 'Release');
  return releaseView(row);
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

/** The bank's payout file: paid releases in a date range (CSV). */
export async function payoutCsv(tx: Tx, range: { from: string; to: string }): Promise<string> {
  const rows = await tx.sql<{ id: string; as_of: string; client_id: string; name: string; currency: string; approved_amount: string }[]>`
    select r.id, r.as_of, r.client_id, c.name, r.currency, r.approved_amount
      from releases r join clients c on c.id = r.client_id
     where r.status = 'paid' and r.as_of between ${range.from}::date and ${range.to}::date order by r.as_of, r.id`;
  return toCsv(
    ['release_id', 'value_date', 'client_id', 'client_name', 'currency', 'amount'],
    rows.map((r) => [r.id, r.as_of, r.client_id, r.name, r.currency, moneyOut(r.approved_amount, r.currency)]),
  );
}

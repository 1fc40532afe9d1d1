import type { Tx } from '../../db/client';
import { notFound } from '../errors';
import type { CycleSummary } from './index';

/** One release cycle with its progress (clients done of due) and totals, for its screen. */
export async function getCycle(tx: Tx, id: number): Promise<CycleSummary & { finishedAt: string | null }> {
  const [r] = await tx.sql<{ id: string; as_of: string; kind: string; status: string; clients_due: number; clients_done: number; totals: Record<string, number> | null; created_by_label: string; created_at: string; finished_at: string | null }[]>`
    select id, as_of, kind, status, clients_due, clients_done, totals, created_by_label,
           to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at,
           to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as finished_at
      from release_cycles where id = ${id}`;
  if (!r) throw notFound('Release cycle', id);
  return { id: r.id, asOf: r.as_of, kind: r.kind, status: r.status, clientsDue: r.clients_due, clientsDone: r.clients_done, totals: r.totals ?? {}, createdBy: r.created_by_label, createdAt: r.created_at, finishedAt: r.finished_at };
}

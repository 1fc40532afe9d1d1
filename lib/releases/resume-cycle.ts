import type { Database } from '../../db/client';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError, notFound } from '../errors';
import { CYCLE_STALE_MINUTES } from './cycle-status';
import { runReleaseCycle, type CycleView } from './run-cycle';

/**
 * Resumes a failed (or stale) cycle: the same date and clients; what it proposed stays, the rest
 * is proposed once.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `release.run_cycle`); 404 `not_found`;
 * 409 `not_resumable` (it finished), `still_running` (its run is alive); then what
 * `runReleaseCycle` raises.
 */
export async function resumeReleaseCycle(
  database: Database,
  cycleId: number,
  by: Actor,
  options: { onProgress?: (done: number, total: number) => Promise<void> | void } = {},
): Promise<CycleView> {
  requirePermission(by, 'release.run_cycle');
  const [cycle] = await database.sql<{ as_of: string; kind: 'scheduled' | 'ad_hoc'; status: string; requested_client_ids: number[] | null; stale: boolean }[]>`
    select as_of, kind, status, requested_client_ids,
           (status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES})) as stale
      from release_cycles where id = ${cycleId}`;
  if (!cycle) throw notFound('Release cycle', cycleId);
  if (cycle.status === 'completed')
    throw new DomainError('not_resumable', `Release cycle ${cycleId} has finished; there is nothing to resume`, { status: 409 });
  if (cycle.status === 'running' && !cycle.stale) throw new DomainError('still_running', `Release cycle ${cycleId} is still running`, { status: 409 });
  return runReleaseCycle(database, { asOf: cycle.as_of, clientIds: cycle.requested_client_ids ?? undefined }, by, {
    ...options,
    kind: cycle.kind,
    resumeCycleId: cycleId,
  });
}

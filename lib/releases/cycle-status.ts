import type { Database, Tx } from '../../db/client';

/** A cycle whose run stopped touching its heartbeat this long ago has crashed. */
export const CYCLE_STALE_MINUTES = 10;

/**
 * A cycle still `running` whose heartbeat stopped has crashed: shown as failed (with why) so a
 * person can resume it, even before the next job marks it so. Read-only SQL for a select list.
 */
export const cycleStatusSql = `case when status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES}) then 'failed' else status end`;
export const cycleErrorSql = `case when status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES})
  then 'The run stopped without finishing (no progress for ${CYCLE_STALE_MINUTES} minutes); resume it to propose the rest' else error end`;

/**
 * Cycles left `running` by a process that died (no heartbeat for a while) are marked failed, to
 * be resumed. Answers how many. Raises nothing of its own.
 */
export async function markStaleCycles(database: Database | Tx): Promise<number> {
  const rows = await database.sql`
    update release_cycles set status = 'failed', finished_at = now(),
           error = ${`The run stopped without finishing (no progress for ${CYCLE_STALE_MINUTES} minutes); resume it to propose the rest`}
     where status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES})
     returning id`;
  return rows.length;
}

/**
 * A release-cycle job retried after its worker died takes its cycle over: the cycle, still
 * `running` (its process is gone — the job's lock lapsed), is marked failed so the retry resumes
 * it. Answers the cycle to resume, or undefined when there is none to resume (the earlier
 * attempt finished it just before dying, or it does not exist). Raises nothing of its own.
 */
export async function takeOverCycle(database: Database | Tx, cycleId: number): Promise<number | undefined> {
  const [earlier] = await database.sql<{ status: string }[]>`
    update release_cycles set status = case when status = 'running' then 'failed' else status end,
           error = case when status = 'running' then 'The worker stopped; resumed by the job retry' else error end
     where id = ${cycleId} returning status`;
  return !earlier || earlier.status === 'completed' ? undefined : cycleId;
}

import type { Database, Tx } from '../db/client';

/**
 * The runs of background jobs (job_runs), for the console: status, progress, totals. A BullMQ
 * job retried after a crash continues its own row, keyed by `<queue>:<job id>` (a job's name
 * here is its queue's name, and BullMQ numbers jobs per queue: `fee-accrual:7` and
 * `statements:7` are two runs). GET /api/v1/jobs/{id} answers by the same id. Processors do not
 * call start/progress/finish/fail themselves: jobs/processor.ts (`defineProcessor`) does, once.
 */
export function runKey(job: string, queueJobId: string | number): string {
  return `${job}:${queueJobId}`;
}

export async function startRun(database: Database, run: { job: string; queueJobId?: string | null; businessDate?: string | null }): Promise<number> {
  const key = run.queueJobId ? runKey(run.job, run.queueJobId) : null;
  const [row] = await database.sql<{ id: string }[]>`
    insert into job_runs (job, queue_job_id, business_date, status, started_at)
    values (${run.job}, ${key}, ${run.businessDate ?? null}, 'running', now())
    on conflict (queue_job_id) do update set status = 'running', error = null, finished_at = null
    returning id`;
  return Number(row!.id);
}

export async function progressRun(database: Database, id: number, progress: number, totals?: unknown): Promise<void> {
  await database.sql`update job_runs set progress = ${Math.max(0, Math.min(100, Math.round(progress)))}, totals = coalesce(${totals === undefined ? null : JSON.stringify(totals)}::jsonb, totals) where id = ${id}`;
}

export async function finishRun(database: Database, id: number, totals: unknown): Promise<void> {
  await database.sql`update job_runs set status = 'completed', progress = 100, totals = ${JSON.stringify(totals)}::jsonb, finished_at = now() where id = ${id}`;
}

export async function failRun(database: Database, id: number, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await database.sql`update job_runs set status = 'failed', error = ${message.slice(0, 2000)}, finished_at = now() where id = ${id}`;
}

/**
 * A job BullMQ failed for good without running it — its worker died more than WORKER_MAX_STALLED
 * times (jobs/worker.ts) — cannot record that itself: its last attempt's run would stay
 * `running` for ever. The worker marks it failed, with why (the scheduler or an operator runs
 * the job again). Only a run still `running`: one that recorded its own end keeps it.
 */
export async function failAbandonedRun(database: Database, job: string, queueJobId: string | number, reason: string): Promise<void> {
  await database.sql`
    update job_runs set status = 'failed', error = ${`The job was given up: ${reason}`.slice(0, 2000)}, finished_at = now()
     where queue_job_id = ${runKey(job, queueJobId)} and status = 'running'`;
}

export interface JobRunView {
  id: string;
  job: string;
  businessDate: string | null;
  status: string;
  progress: number;
  totals: Record<string, unknown>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

type JobRunRow = {
  id: string;
  job: string;
  business_date: string | null;
  status: string;
  progress: number;
  totals: Record<string, unknown>;
  error: string | null;
  started_at: string;
  finished_at: string | null;
};

/** The columns of a JobRunRow: the times in UTC, to the second. */
const jobRunColumns = `id, job, business_date, status, progress, totals, error,
           to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as started_at,
           to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as finished_at`;

function jobRunView(r: JobRunRow): JobRunView {
  return {
    id: r.id,
    job: r.job,
    businessDate: r.business_date,
    status: r.status,
    progress: r.progress,
    totals: r.totals,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export async function listJobRuns(database: Pick<Database, 'sql'>, filter: { job?: string; limit?: number } = {}): Promise<JobRunView[]> {
  const rows = await database.sql<JobRunRow[]>`
    select ${database.sql.unsafe(jobRunColumns)}
      from job_runs where (${filter.job ?? null}::text is null or job = ${filter.job ?? null})
     order by id desc limit ${filter.limit ?? 50}`;
  return rows.map(jobRunView);
}

/** The run of a queued job, by its qualified id (`fee-accrual:12`), or null before a worker started it. */
export async function jobRunByQueueJobId(database: Pick<Tx, 'sql'>, qualifiedId: string): Promise<JobRunView | null> {
  const [r] = await database.sql<JobRunRow[]>`
    select ${database.sql.unsafe(jobRunColumns)}
      from job_runs where queue_job_id = ${qualifiedId}`;
  return r ? jobRunView(r) : null;
}

import type { Tx } from '../db/client';
import { DomainError } from '../lib/errors';
import { jobRunByQueueJobId, type JobRunView } from '../lib/job-runs';
import { jobStatus, parseJobId, type JobState, type QueueName } from './queues';

/**
 * GET /api/v1/jobs/{id}: a queued job (`fee-accrual:12`, as POST /accruals and POST
 * /statement-runs answer) with its status, progress and result — from BullMQ while it knows the
 * job, and from its run in job_runs (kept for good) otherwise or when Redis is down.
 */
export interface JobView {
  jobId: string;
  queue: QueueName;
  status: JobState;
  progress: number;
  result: unknown;
  error: string | null;
  run: Omit<JobRunView, 'error'> | null;
}

/** A job's failure as a caller may read it: its first line, unless it names a host, a connection or code. */
export function publicJobError(message: string | null): string | null {
  if (message === null) return null;
  const first = message.split('\n')[0]!.slice(0, 300);
  if (/:\/\/|\bE[A-Z]{3,}\b|\bconnect\b|\bsocket\b|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\blocalhost\b|\bat .+:\d+:\d+/i.test(first)) {
    return 'The job failed on a system error (the worker log has the details)';
  }
  return first;
}

export async function describeJob(database: Pick<Tx, 'sql'>, jobId: string): Promise<JobView> {
  const parsed = parseJobId(jobId);
  if (!parsed) throw new DomainError('not_found', `Job ${jobId.slice(0, 80)} not found (a job id looks like fee-accrual:12)`, { status: 404 });
  const [queued, run] = await Promise.all([
    jobStatus(jobId).then(
      (status) => ({ status }),
      (failure: unknown) => ({ failure }),
    ),
    jobRunByQueueJobId(database, jobId),
  ]);
  const runView = run ? (({ error: _error, ...rest }) => rest)(run) : null;
  if ('status' in queued && queued.status) {
    return { ...queued.status, error: publicJobError(queued.status.error), run: runView };
  }
  if (!run) {
    // Redis down and no run recorded: say so (503) rather than "not found".
    if ('failure' in queued) throw queued.failure;
    throw new DomainError('not_found', `Job ${jobId} not found`, { status: 404 });
  }
  const status: JobState = run.status === 'completed' ? 'completed' : run.status === 'failed' ? 'failed' : 'running';
  return {
    jobId: `${parsed.queue}:${parsed.id}`,
    queue: parsed.queue,
    status,
    progress: run.progress,
    result: status === 'completed' ? run.totals : null,
    error: status === 'failed' ? publicJobError(run.error) : null,
    run: runView,
  };
}

import { UnrecoverableError, type Job, type JobProgress } from 'bullmq';
import type { z } from 'zod';
import type { Database } from '../db/client';
import { systemActor, type Actor } from '../lib/auth/actor';
import { DomainError } from '../lib/errors';
import { failRun, finishRun, progressRun, startRun } from '../lib/job-runs';
import { parseInput } from '../lib/validation';
import type { QueueName } from './queues';

/**
 * The one shape of a job processor (STYLE: "a processor is a few lines that call a lib/
 * command"). `defineProcessor` does what every processor needs, once:
 *
 * 1. parses the job's data with the queue's schema (jobs/queues.ts JOB_DATA);
 * 2. records the run in job_runs — started, progress, finished with its totals, or failed with
 *    why — keyed by the job's id, so a retry after a crash continues its own row (GET
 *    /api/v1/jobs/{id} reads it); a processor whose command records its own run says `record: false`;
 * 3. runs the command with a system actor named after the job;
 * 4. sorts failures: bad data or a business rule refusing the job (a DomainError other than a
 *    503) will fail the same way again, so it is a `JobRefusedError` — BullMQ's
 *    UnrecoverableError: failed at once, no retry; anything else (the database, Redis, a killed
 *    worker, a 503) is thrown as it is, and BullMQ retries it with backoff.
 */

/** A failure retrying cannot mend: BullMQ fails the job at once. Keeps the DomainError's code, status and details. */
export class JobRefusedError extends UnrecoverableError {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(cause: DomainError) {
    super(cause.message);
    this.name = 'JobRefusedError';
    this.code = cause.code;
    this.status = cause.status;
    this.details = cause.details;
    this.cause = cause;
  }
}

/**
 * Whether trying again may succeed: not for bad data or a refusal (a DomainError with a 4xx
 * status, or an error already marked unrecoverable); yes for everything else — the database, a
 * lock timeout, Redis, a DomainError with 503 (`queue_unavailable`, a timeout).
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof UnrecoverableError) return false;
  if (error instanceof DomainError) return error.status >= 500;
  return true;
}

/** What a failure becomes for BullMQ: a `JobRefusedError` (no retry) or itself (retried). */
export function forBullMq(error: unknown): unknown {
  return error instanceof DomainError && !isRetryable(error) ? new JobRefusedError(error) : error;
}

export interface JobContext<D> {
  /** the job's data, parsed */
  data: D;
  /** the BullMQ job (its id, `updateData`) */
  job: Job;
  /** who the job acts as: `job:<queue>`, its request id the job's */
  actor: Actor;
  /** the business date the run is for (`record.businessDate`; null when the processor records none) */
  businessDate: string | null;
  /** the run's row in job_runs (null when the processor records none) */
  runId: number | null;
  /**
   * Reports progress: `job` to BullMQ (what GET /jobs/{id} and the console show) and, with
   * `percent`, to the run's row (with `totals` so far).
   */
  report(progress: { job: JobProgress; percent?: number; totals?: unknown }): Promise<void>;
}

export interface ProcessorDefinition<S extends z.ZodType, R> {
  /** the queue (and the job's name in job_runs) */
  name: QueueName;
  /** the job data's schema (jobs/queues.ts JOB_DATA[name]) */
  data: S;
  /**
   * How the run is recorded in job_runs: the business date it is for (from the data; it may
   * refuse a date, e.g. one in the future — a refusal), and optionally the totals kept from the
   * result (default: the result). `false`: nothing recorded here — a sweep run every few seconds,
   * or a command that records its own run in its transaction.
   */
  record: false | { businessDate: (data: z.output<S>) => string | null; totals?: (result: R) => unknown };
  /** A result to answer without running or recording anything (a scheduled job on a day it has nothing to do), or null to run. */
  skip?: (data: z.output<S>) => R | null;
  run: (context: JobContext<z.output<S>>) => Promise<R>;
}

/** A BullMQ processor of that shape, for `new Worker(name, defineProcessor(…)(database))`. */
export function defineProcessor<S extends z.ZodType, R>(definition: ProcessorDefinition<S, R>): (database: Database) => (job: Job) => Promise<R> {
  return (database) => async (job) => {
    let data: z.output<S> | undefined;
    let businessDate: string | null = null;
    let refusal: unknown = null;
    try {
      data = parseInput(definition.data, job.data ?? {});
      const skipped = definition.skip?.(data) ?? null;
      if (skipped !== null) return skipped;
      if (definition.record) businessDate = definition.record.businessDate(data);
    } catch (error) {
      refusal = error;
    }
    // A refused job is recorded too (failed, with why), so its run says what happened.
    const runId = definition.record ? await startRun(database, { job: definition.name, queueJobId: job.id ?? null, businessDate }) : null;
    try {
      if (refusal !== null) throw refusal;
      const base = systemActor(`job:${definition.name}`);
      const result = await definition.run({
        data: data as z.output<S>,
        job,
        actor: { ...base, requestId: job.id ? `job-${job.id}` : base.requestId },
        businessDate,
        runId,
        async report(progress) {
          await job.updateProgress(progress.job);
          if (runId !== null && progress.percent !== undefined) await progressRun(database, runId, progress.percent, progress.totals);
        },
      });
      if (runId !== null && definition.record) await finishRun(database, runId, definition.record.totals ? definition.record.totals(result) : result);
      return result;
    } catch (error) {
      if (runId !== null) {
        await failRun(database, runId, error).catch((recordError: unknown) => {
          // The job's own failure is what BullMQ must see; this one is logged, not lost.
          console.error(`[worker] ${definition.name} job ${job.id ?? '?'}: could not record its failure:`, recordError);
        });
      }
      throw forBullMq(error);
    }
  };
}

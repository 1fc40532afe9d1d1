import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { assertBusinessDateInWindow, todayIn } from '../../lib/dates';
import { accrualSummary, runAccrual } from '../../lib/fees/accrual';
import { failRun, finishRun, progressRun, startRun } from '../../lib/job-runs';
import type { JobData } from '../queues';

/**
 * SPEC 4/7 "fee accrual": through `asOf` (default: today in FACTOR_TIMEZONE), catching up missed
 * days. Reports progress; a retry after a crash continues where the committed chunks stopped.
 */
export function feeAccrualProcessor(database: Database, options: { chunkSize?: number } = {}) {
  return async (job: Job<JobData['fee-accrual']>) => {
    // Without asOf: today. With one (API, console): never a day that has not come (the routes check too).
    const asOf = job.data.asOf === undefined ? todayIn() : assertBusinessDateInWindow(job.data.asOf, 'Accrual date', 'happened', { field: 'asOf' });
    const runId = await startRun(database, { job: 'fee-accrual', queueJobId: job.id ?? null, businessDate: asOf });
    try {
      const result = await runAccrual(database, {
        asOf,
        by: { ...systemActor('job:fee-accrual'), requestId: `job-${job.id}` },
        chunkSize: options.chunkSize,
        onProgress: async (p) => {
          const percent = ((p.day - 1 + p.chunk / p.chunks) / p.days) * 100;
          await job.updateProgress({ ...p, percent: Math.round(percent) });
          await progressRun(database, runId, percent, { date: p.date, day: p.day, days: p.days });
        },
      });
      const summary = accrualSummary(result);
      await finishRun(database, runId, summary);
      return summary;
    } catch (error) {
      await failRun(database, runId, error);
      throw error;
    }
  };
}

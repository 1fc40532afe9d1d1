import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { todayIn } from '../../lib/dates';
import { failRun, finishRun, progressRun, startRun } from '../../lib/job-runs';
import { isFirstBusinessDayOfMonth, runStatements, type StatementRunResult } from '../../lib/statements';
import type { Renderer } from '../../lib/statements';
import { kickOutbox, type JobData } from '../queues';

/** What a run reports: the figures, and the first failures by client (the count is complete). */
function totals(result: StatementRunResult) {
  return { ...result, failed: result.failed.slice(0, 50), failedCount: result.failed.length };
}

/**
 * SPEC 7 "statements": on the first business day of each month for the month before (the
 * schedule fires on the 1st–3rd; other days are skipped here), and on demand for a period and
 * some or all clients. Progress goes to BullMQ and job_runs; failures per client are recorded.
 */
export function statementsProcessor(database: Database, options: { concurrency?: number; chunkSize?: number; render?: Renderer } = {}) {
  return async (job: Job<JobData['statements']>) => {
    const today = todayIn();
    if (job.data.reason === 'schedule' && !isFirstBusinessDayOfMonth(today)) {
      return { skipped: `${today} is not the first business day of its month` };
    }
    const runId = await startRun(database, { job: 'statements', queueJobId: job.id ?? null, businessDate: job.data.to ?? today });
    try {
      const result = await runStatements(
        database,
        { from: job.data.from, to: job.data.to, clientIds: job.data.clientIds },
        { ...systemActor('job:statements'), requestId: `job-${job.id}` },
        {
          today,
          jobRunId: runId,
          concurrency: options.concurrency,
          chunkSize: options.chunkSize,
          render: options.render,
          onProgress: async (done, total, partial) => {
            const percent = total === 0 ? 100 : (done / total) * 100;
            await job.updateProgress({ done, total, issued: partial.issued, failed: partial.failed.length, percent: Math.round(percent) });
            await progressRun(database, runId, percent, { done, total, issued: partial.issued, skipped: partial.skipped, failedCount: partial.failed.length });
          },
        },
      );
      await finishRun(database, runId, totals(result));
      if (result.emailed > 0) await kickOutbox();
      return totals(result);
    } catch (error) {
      await failRun(database, runId, error);
      throw error;
    }
  };
}

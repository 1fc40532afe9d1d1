import type { Database } from '../../db/client';
import { todayIn } from '../../lib/dates';
import { isFirstBusinessDayOfMonth, runStatements, type Renderer, type StatementRunResult } from '../../lib/statements';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES, kickOutbox } from '../queues';

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
  return defineProcessor({
    name: QUEUE_NAMES.statements,
    data: JOB_DATA.statements,
    skip: (data): ReturnType<typeof totals> | { skipped: string } | null => {
      const today = todayIn();
      return data.reason === 'schedule' && !isFirstBusinessDayOfMonth(today) ? { skipped: `${today} is not the first business day of its month` } : null;
    },
    record: { businessDate: (data) => data.to ?? todayIn() },
    run: async ({ data, actor, runId, report }) => {
      const result = await runStatements(database, { from: data.from, to: data.to, clientIds: data.clientIds }, actor, {
        today: todayIn(),
        jobRunId: runId,
        concurrency: options.concurrency,
        chunkSize: options.chunkSize,
        render: options.render,
        onProgress: async (done, total, partial) => {
          const percent = total === 0 ? 100 : (done / total) * 100;
          await report({
            job: { done, total, issued: partial.issued, failed: partial.failed.length, percent: Math.round(percent) },
            percent,
            totals: { done, total, issued: partial.issued, skipped: partial.skipped, failedCount: partial.failed.length },
          });
        },
      });
      if (result.emailed > 0) await kickOutbox();
      return totals(result);
    },
  })(database);
}

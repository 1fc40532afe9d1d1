import type { Database } from '../../db/client';
import { todayIn } from '../../lib/dates';
import { runRiskScores } from '../../lib/risk/run';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES, kickOutbox } from '../queues';

/**
 * Issue 16 item 1: nightly, every active client's risk score (lib/risk/run.ts: once per client and
 * date, chunks of clients per transaction, so a retry after a crash scores only what is left);
 * a change of band is proposed (or applied) and underwriters emailed — the outbox nudged after.
 */
export function riskScoresProcessor(database: Database, options: { chunkSize?: number } = {}) {
  return defineProcessor({
    name: QUEUE_NAMES.riskScores,
    data: JOB_DATA['risk-scores'],
    record: { businessDate: (data) => data.asOf ?? todayIn() },
    run: async ({ businessDate, actor, report }) => {
      const result = await runRiskScores(database, {
        asOf: businessDate!,
        by: actor,
        chunkSize: options.chunkSize,
        onProgress: (done, total) => report({ job: { done, total }, percent: total === 0 ? 100 : (done / total) * 100 }),
      });
      if (result.proposed + result.applied > 0) await kickOutbox();
      return result;
    },
  })(database);
}

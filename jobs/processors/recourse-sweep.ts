import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { recourseSweep } from '../../lib/collections/recourse';
import { todayIn } from '../../lib/dates';
import { failRun, finishRun, progressRun, startRun } from '../../lib/job-runs';
import type { JobData } from '../queues';

/** SPEC 7 "recourse sweep": daily, charges back invoices past recourseDays. */
export function recourseSweepProcessor(database: Database) {
  return async (job: Job<JobData['recourse-sweep']>) => {
    const asOf = job.data.asOf ?? todayIn();
    const runId = await startRun(database, { job: 'recourse-sweep', queueJobId: job.id ?? null, businessDate: asOf });
    try {
      const result = await recourseSweep(database, {
        asOf,
        by: { ...systemActor('job:recourse-sweep'), requestId: `job-${job.id}` },
        onProgress: async (done, total) => {
          await job.updateProgress({ done, total });
          if (done % 50 === 0 || done === total) await progressRun(database, runId, (done / total) * 100);
        },
      });
      await finishRun(database, runId, { chargedBack: result.chargedBack });
      return result;
    } catch (error) {
      await failRun(database, runId, error);
      throw error;
    }
  };
}

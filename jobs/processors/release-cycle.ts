import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { todayIn } from '../../lib/dates';
import { failRun, finishRun, progressRun, startRun } from '../../lib/job-runs';
import { runReleaseCycle } from '../../lib/releases';
import { kickOutbox, type JobData } from '../queues';

/** SPEC 7 "release cycle": each business day, the clients due by cadence, as one batch with progress. */
export function releaseCycleProcessor(database: Database) {
  return async (job: Job<JobData['release-cycle']>) => {
    const asOf = job.data.asOf ?? todayIn();
    const runId = await startRun(database, { job: 'release-cycle', queueJobId: job.id ?? null, businessDate: asOf });
    try {
      const cycle = await runReleaseCycle(database, { asOf }, { ...systemActor('job:release-cycle'), requestId: `job-${job.id}` }, {
        kind: job.data.reason === 'schedule' ? 'scheduled' : 'ad_hoc',
        onProgress: async (done, total) => {
          await job.updateProgress({ done, total });
          await progressRun(database, runId, total === 0 ? 100 : (done / total) * 100);
        },
      });
      const totals = { cycleId: cycle.id, releases: cycle.releases.length, paid: cycle.releases.filter((r) => r.status === 'paid').length };
      await finishRun(database, runId, totals);
      if (totals.paid > 0) await kickOutbox();
      return totals;
    } catch (error) {
      await failRun(database, runId, error);
      throw error;
    }
  };
}

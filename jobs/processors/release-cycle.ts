import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { todayIn } from '../../lib/dates';
import { failRun, finishRun, progressRun, startRun } from '../../lib/job-runs';
import { markStaleCycles, runReleaseCycle } from '../../lib/releases';
import { kickOutbox, type JobData } from '../queues';

/**
 * SPEC 7 "release cycle": each business day, the clients due by cadence, as one batch with
 * progress. The job keeps its cycle's id, so a retry after a crash resumes that cycle (what it
 * proposed stays, the rest is proposed once) rather than starting another; cycles left running
 * by a dead process are marked failed first.
 */
export function releaseCycleProcessor(database: Database, options: { chunkSize?: number } = {}) {
  return async (job: Job<JobData['release-cycle']>) => {
    const asOf = job.data.asOf ?? todayIn();
    const runId = await startRun(database, { job: 'release-cycle', queueJobId: job.id ?? null, businessDate: asOf });
    try {
      await markStaleCycles(database);
      let resume = job.data.cycleId ? Number(job.data.cycleId) : undefined;
      if (resume !== undefined) {
        const [earlier] = await database.sql<{ status: string }[]>`
          update release_cycles set status = case when status = 'running' then 'failed' else status end,
                 error = case when status = 'running' then 'The worker stopped; resumed by the job retry' else error end
           where id = ${resume} returning status`;
        // The earlier attempt finished the cycle and died just after: nothing to resume.
        if (!earlier || earlier.status === 'completed') resume = undefined;
      }
      const cycle = await runReleaseCycle(database, { asOf }, { ...systemActor('job:release-cycle'), requestId: `job-${job.id}` }, {
        kind: job.data.reason === 'schedule' ? 'scheduled' : 'ad_hoc',
        // clients per transaction (RELEASE_CYCLE_CHUNK; lib/releases' default when unset)
        chunkSize: options.chunkSize,
        resumeCycleId: resume,
        onCycle: async (cycleId) => {
          if (job.data.cycleId !== String(cycleId)) await job.updateData({ ...job.data, asOf, cycleId: String(cycleId) });
        },
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

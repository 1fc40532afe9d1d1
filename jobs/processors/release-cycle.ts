import type { Database } from '../../db/client';
import { todayIn } from '../../lib/dates';
import { batchAfterCycle } from '../../lib/payouts/after-cycle';
import { markStaleCycles, runReleaseCycle, takeOverCycle } from '../../lib/releases';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES, kickOutbox } from '../queues';

/**
 * SPEC 7 "release cycle": each business day, the clients due by cadence, as one batch with
 * progress. The job keeps its cycle's id, so a retry after a crash resumes that cycle (what it
 * proposed stays, the rest is proposed once) rather than starting another; cycles left running
 * by a dead process are marked failed first. With Settings → Payout bank's "Create the payout
 * batch after each release cycle" on, it then batches what waits (lib/payouts/after-cycle.ts).
 */
export function releaseCycleProcessor(database: Database, options: { chunkSize?: number } = {}) {
  return defineProcessor({
    name: QUEUE_NAMES.releaseCycle,
    data: JOB_DATA['release-cycle'],
    record: { businessDate: (data) => data.asOf ?? todayIn() },
    run: async ({ data, job, businessDate, actor, report }) => {
      const asOf = businessDate!;
      await markStaleCycles(database);
      const cycle = await runReleaseCycle(database, { asOf }, actor, {
        kind: data.reason === 'schedule' ? 'scheduled' : 'ad_hoc',
        // clients per transaction (RELEASE_CYCLE_CHUNK; lib/releases' default when unset)
        chunkSize: options.chunkSize,
        resumeCycleId: data.cycleId === undefined ? undefined : await takeOverCycle(database, Number(data.cycleId)),
        onCycle: async (cycleId) => {
          if (data.cycleId !== String(cycleId)) await job.updateData({ ...job.data, asOf, cycleId: String(cycleId) });
        },
        onProgress: (done, total) => report({ job: { done, total }, percent: total === 0 ? 100 : (done / total) * 100 }),
      });
      const approved = cycle.releases.filter((r) => r.status === 'approved').length;
      if (approved > 0) await kickOutbox();
      const batches = await batchAfterCycle(database, asOf, actor);
      return { cycleId: cycle.id, releases: cycle.releases.length, approved, ...(batches.length > 0 ? { batches } : {}) };
    },
  })(database);
}

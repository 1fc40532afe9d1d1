import type { Database } from '../../db/client';
import { recourseSweep } from '../../lib/collections/recourse';
import { todayIn } from '../../lib/dates';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES } from '../queues';

/** SPEC 7 "recourse sweep": daily, charges back invoices past recourseDays. */
export function recourseSweepProcessor(database: Database) {
  return defineProcessor({
    name: QUEUE_NAMES.recourseSweep,
    data: JOB_DATA['recourse-sweep'],
    record: {
      businessDate: (data) => data.asOf ?? todayIn(),
      totals: (result: Awaited<ReturnType<typeof recourseSweep>>) => ({ chargedBack: result.chargedBack }),
    },
    run: ({ businessDate, actor, report }) =>
      recourseSweep(database, {
        asOf: businessDate!,
        by: actor,
        // the run's row every 50 invoices; BullMQ's at each
        onProgress: (done, total) => report({ job: { done, total }, percent: done % 50 === 0 || done === total ? (done / total) * 100 : undefined }),
      }),
  })(database);
}

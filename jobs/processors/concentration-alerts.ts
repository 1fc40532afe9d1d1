import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { runConcentrationCheck } from '../../lib/concentration';
import { kickOutbox } from '../queues';

/** SPEC 7 "concentration alerts": flags debtors over limits, then sends the underwriters' emails at once. */
export function concentrationAlertsProcessor(database: Database) {
  return async (job: Job) => {
    const totals = await runConcentrationCheck(database);
    await job.updateProgress(totals);
    if (totals.emailed > 0) await kickOutbox();
    return totals;
  };
}

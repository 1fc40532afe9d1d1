import type { Database } from '../../db/client';
import { runConcentrationCheck } from '../../lib/concentration';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES, kickOutbox } from '../queues';

/** SPEC 7 "concentration alerts": flags debtors over limits, then sends the underwriters' emails at once. */
export function concentrationAlertsProcessor(database: Database) {
  return defineProcessor({
    name: QUEUE_NAMES.concentrationAlerts,
    data: JOB_DATA['concentration-alerts'],
    // runConcentrationCheck records its run itself, in the transaction of the alerts it writes.
    record: false,
    run: async ({ report }) => {
      const totals = await runConcentrationCheck(database);
      await report({ job: totals });
      if (totals.emailed > 0) await kickOutbox();
      return totals;
    },
  })(database);
}

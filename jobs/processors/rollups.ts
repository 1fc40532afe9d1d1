import type { Database } from '../../db/client';
import { foldRollups } from '../../lib/reports/rollups';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES } from '../queues';

/** Issue 13: folds the roll-up deltas into the roll-ups the dashboard, the debtor page and the debtors and clients lists read (lib/reports/rollups.ts; the debtor roll-ups since migration 0022). */
export function rollupsProcessor(database: Database) {
  return defineProcessor({
    name: QUEUE_NAMES.rollups,
    data: JOB_DATA.rollups,
    // A sweep every 10 seconds; readers are exact without it (it only keeps the deltas few): no run row.
    record: false,
    run: () => foldRollups(database),
  })(database);
}

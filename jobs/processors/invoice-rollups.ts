import type { Database } from '../../db/client';
import { foldInvoiceRollups } from '../../lib/reports/rollups';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES } from '../queues';

/** Issue 13: folds the invoices' roll-up deltas into the dashboard's roll-ups (lib/reports/rollups.ts). */
export function invoiceRollupsProcessor(database: Database) {
  return defineProcessor({
    name: QUEUE_NAMES.invoiceRollups,
    data: JOB_DATA['invoice-rollups'],
    // A sweep every 10 seconds; readers are exact without it (it only keeps the deltas few): no run row.
    record: false,
    run: () => foldInvoiceRollups(database),
  })(database);
}

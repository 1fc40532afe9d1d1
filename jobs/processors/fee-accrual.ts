import type { Database } from '../../db/client';
import { assertBusinessDateInWindow, todayIn } from '../../lib/dates';
import { accrualSummary, runAccrual } from '../../lib/fees/accrual';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES } from '../queues';

/**
 * SPEC 4/7 "fee accrual": through `asOf` (default: today in FACTOR_TIMEZONE), catching up missed
 * days. Reports progress; a retry after a crash continues where the committed chunks stopped.
 * A date that has not come is refused (422 `date_out_of_range`, not retried).
 */
export function feeAccrualProcessor(database: Database, options: { chunkSize?: number } = {}) {
  return defineProcessor({
    name: QUEUE_NAMES.feeAccrual,
    data: JOB_DATA['fee-accrual'],
    // Without asOf: today. With one (API, console): never a day that has not come (the routes check too).
    record: {
      businessDate: (data) => (data.asOf === undefined ? todayIn() : assertBusinessDateInWindow(data.asOf, 'Accrual date', 'happened', { field: 'asOf' })),
    },
    run: async ({ businessDate, actor, report }) => {
      const result = await runAccrual(database, {
        asOf: businessDate!,
        by: actor,
        chunkSize: options.chunkSize,
        onProgress: async (p) => {
          const percent = ((p.day - 1 + p.chunk / p.chunks) / p.days) * 100;
          await report({ job: { ...p, percent: Math.round(percent) }, percent, totals: { date: p.date, day: p.day, days: p.days } });
        },
      });
      return accrualSummary(result);
    },
  })(database);
}

import type { Database } from '../../db/client';
import { todayIn } from '../../lib/dates';
import { runDebtorReminders } from '../../lib/debtor-statements/reminders';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES, kickOutbox } from '../queues';

/**
 * Issue 15, item 4: daily, each debtor with invoices reaching a reminder step that day is emailed
 * one reminder per step (lib/debtor-statements/reminders.ts: each invoice and step once; chunks of
 * debtors per transaction, so a retry after a crash sends only what the crash left). Then the
 * outbox is nudged to send them now.
 */
export function debtorRemindersProcessor(database: Database, options: { chunkSize?: number } = {}) {
  return defineProcessor({
    name: QUEUE_NAMES.debtorReminders,
    data: JOB_DATA['debtor-reminders'],
    record: { businessDate: (data) => data.asOf ?? todayIn() },
    run: async ({ businessDate, actor, report }) => {
      const result = await runDebtorReminders(database, {
        asOf: businessDate!,
        by: actor,
        chunkSize: options.chunkSize,
        onProgress: (done, total) => report({ job: { done, total }, percent: total === 0 ? 100 : (done / total) * 100 }),
      });
      if (result.reminders > 0) await kickOutbox();
      return result;
    },
  })(database);
}

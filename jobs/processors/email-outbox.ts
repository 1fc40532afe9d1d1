import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { sendDueEmails } from '../../lib/notifications/outbox';
import type { MailTransport } from '../../lib/notifications/transport';

/** SPEC 7 "email outbox": sends what is due, in batches, until nothing is left. */
export function emailOutboxProcessor(database: Database, transport: MailTransport) {
  return async (job: Job) => {
    const total = { sent: 0, retrying: 0, failed: 0 };
    for (let round = 0; round < 100; round += 1) {
      const report = await sendDueEmails(database, transport);
      total.sent += report.sent;
      total.retrying += report.retrying;
      total.failed += report.failed;
      await job.updateProgress(total);
      if (report.sent + report.retrying + report.failed === 0) break;
    }
    return total;
  };
}

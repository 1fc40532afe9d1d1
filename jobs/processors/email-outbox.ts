import type { Database } from '../../db/client';
import { sendDueEmails } from '../../lib/notifications/outbox';
import type { MailTransport } from '../../lib/notifications/transport';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES } from '../queues';

/** SPEC 7 "email outbox": sends what is due, in batches, until nothing is left. */
export function emailOutboxProcessor(database: Database, transport: MailTransport) {
  return defineProcessor({
    name: QUEUE_NAMES.emailOutbox,
    data: JOB_DATA['email-outbox'],
    // A sweep every 15 seconds: each email keeps its own state (email_outbox), no run row.
    record: false,
    run: async ({ report }) => {
      const total = { sent: 0, retrying: 0, failed: 0 };
      for (let round = 0; round < 100; round += 1) {
        const sent = await sendDueEmails(database, transport);
        total.sent += sent.sent;
        total.retrying += sent.retrying;
        total.failed += sent.failed;
        await report({ job: total });
        if (sent.sent + sent.retrying + sent.failed === 0) break;
      }
      return total;
    },
  })(database);
}

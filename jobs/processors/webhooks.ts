import type { Database } from '../../db/client';
import { deliverDueWebhooks, type DeliverOptions } from '../../lib/webhooks/deliver';
import { sealLegacyWebhookSecrets } from '../../lib/webhooks/subscriptions';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES } from '../queues';

/** Issue 16 item 8: delivers the webhook events that are due, in batches, until nothing is left. */
export function webhooksProcessor(database: Database, options: DeliverOptions = {}) {
  return defineProcessor({
    name: QUEUE_NAMES.webhooks,
    data: JOB_DATA.webhooks,
    // A sweep every 10 seconds: each delivery keeps its own state (webhook_deliveries), no run row.
    record: false,
    run: async ({ report }) => {
      const total = { delivered: 0, retrying: 0, failed: 0 };
      // secrets stored plain before migration 0040, sealed (a no-op once done)
      await sealLegacyWebhookSecrets(database);
      for (let round = 0; round < 100; round += 1) {
        const done = await deliverDueWebhooks(database, options);
        total.delivered += done.delivered;
        total.retrying += done.retrying;
        total.failed += done.failed;
        await report({ job: total });
        if (done.delivered + done.retrying + done.failed === 0) break;
      }
      return total;
    },
  })(database);
}

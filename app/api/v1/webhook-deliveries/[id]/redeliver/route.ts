import { afterWebhookEvents } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { redeliverWebhook } from '@/lib/webhooks/deliver';

export const dynamic = 'force-dynamic';

/** Issue 16 item 8: queues a delivered or failed delivery again (admins): same body, same event id, fresh attempts. 409 `already_queued`, `webhook_disabled`. */
export const POST = apiRoute('settings.edit', async ({ tx, actor, params }) => ({
  status: 202,
  body: await redeliverWebhook(tx, pathId(params.id, 'Webhook delivery'), actor),
  after: afterWebhookEvents,
}));

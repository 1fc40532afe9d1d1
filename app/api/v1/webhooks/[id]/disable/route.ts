import { apiRoute, pathId } from '@/lib/http/api';
import { disableWebhook } from '@/lib/webhooks/subscriptions';

export const dynamic = 'force-dynamic';

/** Issue 16 item 8: disables a webhook (admins): nothing more is queued for it; its undelivered events are given up. 409 `already_disabled`. */
export const POST = apiRoute('settings.edit', async ({ tx, actor, params }) => ({
  status: 200,
  body: await disableWebhook(tx, pathId(params.id, 'Webhook'), actor),
}));

import { apiRoute } from '@/lib/http/api';
import { createWebhook, listWebhooks, webhookInputSchema } from '@/lib/webhooks/subscriptions';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 8: webhook subscriptions. GET lists them, newest first, without their secrets
 * (whoever may open Settings). POST {"url","events":[…]} adds one (admins) → 201 {"id","secret",
 * "url","events"}: the secret is shown this once; deliveries are signed with it (README "Webhooks").
 */
export const GET = apiRoute('section.settings', async ({ tx }) => ({ status: 200, body: { items: await listWebhooks(tx) } }), { session: true });

export const POST = apiRoute('settings.edit', webhookInputSchema, async ({ tx, input, actor }) => ({
  status: 201,
  body: await createWebhook(tx, input, actor),
}));

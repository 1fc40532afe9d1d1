import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { deliveryList } from '@/lib/webhooks/list';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 8: the webhook delivery log, newest first, keyset-paged: `sort` queued|next,
 * `order`, filters `status`, `event`, `webhook`; `total`; `?format=csv`. Whoever may open Settings.
 */
export const GET = apiRoute('section.settings', async ({ tx, url }) => listAnswer(tx.sql, deliveryList(tx.sql), url), { session: true });

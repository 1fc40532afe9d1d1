import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { outboxList } from '@/lib/notifications/outbox-list';

export const dynamic = 'force-dynamic';

/**
 * The email outbox, newest first, keyset-paged (issue 13): `sort` queued|next, `order`, filters
 * `status`, `template`, `to` (recipient starts with); `total`; `?format=csv`. Whoever may open
 * Settings (admin, auditor).
 */
export const GET = apiRoute('section.settings', async ({ tx, url }) => listAnswer(tx.sql, outboxList(tx.sql), url), { session: true });

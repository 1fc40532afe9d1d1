import { auditList } from '@/lib/audit/list';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';

export const dynamic = 'force-dynamic';

/**
 * The audit log, newest first in the hash chain's order, keyset-paged (issue 13): `order`,
 * filters `action` (exact, or a family such as `invoice.`), `actor` (an email or `job:…`),
 * `targetType`/`targetId`, `from`/`to` (UTC days); `total`; `?format=csv`. Whoever may open the
 * audit log (admin, controller, auditor).
 */
export const GET = apiRoute('section.audit', async ({ tx, url }) => listAnswer(tx.sql, auditList(tx.sql), url), { session: true });

import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { releaseList } from '@/lib/releases/list';

export const dynamic = 'force-dynamic';

/**
 * Releases, newest as-of date first, keyset-paged (issue 13): `sort` date|amount|status, `order`,
 * filters `status`, `clientId`, `clientName` (contains), `currency`, `from`/`to` (as of),
 * `minAmount`/`maxAmount`, `mode`, `controller` (yes|no), `cycleId`; `total`; `?format=csv`.
 * A client user's key lists its own releases only.
 */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, url }) => listAnswer(tx.sql, releaseList(tx.sql, actor), url), { session: true });

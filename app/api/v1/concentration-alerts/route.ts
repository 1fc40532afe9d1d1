import { alertList } from '@/lib/concentration/list';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';

export const dynamic = 'force-dynamic';

/**
 * Concentration alerts, newest raised first, keyset-paged (issue 13): `sort` raised|share, `order`,
 * filters `status` (open|resolved), `clientId`/`clientName`, `debtorId`/`debtorName`, `level`, `scope`,
 * `currency`; `total`; `?format=csv`. Staff.
 */
export const GET = apiRoute('staff.read', async ({ tx, url }) => listAnswer(tx.sql, alertList(tx.sql), url), { session: true });

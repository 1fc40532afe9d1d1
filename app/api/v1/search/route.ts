import { apiRoute } from '@/lib/http/api';
import { parseSearchParams, search } from '@/lib/search';

export const dynamic = 'force-dynamic';

/**
 * GET /search?q=TEXT[&limit=][&type=invoice|payment|client|debtor] → {"items":[{type,id,label,detail,url}]},
 * best matches first (lib/search). Staff and client users (a client user: its own client's
 * invoices and payments and its own client); a key or the signed-in session (the console's
 * typeahead). q shorter than 2 characters → 400 naming q; limit 1–50, default 10.
 */
export const GET = apiRoute(
  'portfolio.read',
  async ({ tx, actor, url }) => {
    const { q, limit, types } = parseSearchParams(url.searchParams);
    return { status: 200, body: await search(tx, actor, q, { limit, types }), headers: { 'cache-control': 'private, no-store' } };
  },
  { session: true },
);

import { z } from 'zod';
import { createDebtor } from '@/lib/debtors';
import { DEBTOR_CSV, debtorsListFor, mapDebtorRow } from '@/lib/debtors/lists';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { money, optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** API.md POST /debtors {"name", "creditLimit", "riskRating"?}. */
const body = z.object({
  name: text('Name', { max: 200 }),
  creditLimit: money('Credit limit'),
  riskRating: optional(text('Risk rating', { max: 40 })),
});

/** API.md: POST /debtors → 201 with id. */
export const POST = apiRoute('debtor.edit', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await createDebtor(tx, input, actor),
}));

/**
 * API.md "Lists": GET /debtors — `?sort=name|creditLimit|exposure|openInvoices&order=&limit=&cursor=`,
 * filters `name` (contains), `overLimit`, `hasOpenInvoices` (true|false), `status`
 * (active — the default —, merged, all); `?format=csv` streams the whole filtered set. A client
 * user's key lists the debtors its own client has invoices with, its own figures only, without
 * credit limits (lib/debtors/lists.ts).
 */
export const GET = apiRoute(
  'portfolio.read',
  async ({ tx, actor, url }) => {
    const list = debtorsListFor(actor);
    if (list.scope === 'client') {
      const request = parseListRequest(list.def, url.searchParams);
      return listAnswer(tx.sql, url, list.def, request, list.query(tx.sql, request), { csv: DEBTOR_CSV, file: 'debtors', map: mapDebtorRow });
    }
    const request = parseListRequest(list.def, url.searchParams);
    return listAnswer(tx.sql, url, list.def, request, list.query(tx.sql, request), { csv: DEBTOR_CSV, file: 'debtors', map: mapDebtorRow });
  },
  { session: true },
);

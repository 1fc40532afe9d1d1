import { z } from 'zod';
import { agreementTermsSchema } from '@/lib/agreements/terms';
import { createClient } from '@/lib/clients';
import { CLIENTS_LIST, CLIENT_CSV, clientRowDetails, clientsListQuery, type RawClientRow } from '@/lib/clients/lists';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { array, boolean, businessDate, choice, currency, email, optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const contact = z.object({
  name: text('Contact name', { max: 200 }),
  email: email('Contact email'),
  notifyStatements: boolean('Statement emails').default(true),
  notifyRebates: boolean('Rebate emails').default(true),
});

/** API.md POST /clients: a name, the home currency, optional contacts and agreement terms (omitted terms take the defaults). */
const body = z.object({
  name: text('Name', { max: 200 }),
  currency: currency('Currency'),
  status: optional(choice('Status', ['prospect', 'pending_review', 'active', 'suspended', 'closed'])),
  contacts: optional(array('Contacts', contact, { max: 100 })),
  agreement: optional(agreementTermsSchema),
  effectiveFrom: optional(businessDate('Effective date')),
});

/** API.md: POST /clients — a client created through the API is `active`. */
export const POST = apiRoute('client.create', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await createClient(tx, input, actor, { defaultStatus: 'active' }),
}));

/**
 * API.md "Lists": GET /clients — `?sort=name|status|currency|openReceivables|reserveHeld&order=&limit=&cursor=`,
 * filters `name` (contains), `status`, `currency`; `?format=csv` streams the whole filtered set. A
 * client user's key lists its own client only.
 */
export const GET = apiRoute(
  'portfolio.read',
  async ({ tx, actor, url }) => {
    const request = parseListRequest(CLIENTS_LIST, url.searchParams);
    return listAnswer<typeof request.filters, RawClientRow, unknown>(tx.sql, url, CLIENTS_LIST, request, clientsListQuery(tx.sql, request, actor), {
      csv: CLIENT_CSV,
      file: 'clients',
      complete: (rows) => clientRowDetails(tx, rows),
    });
  },
  { session: true },
);

import { z } from 'zod';
import { afterFunding } from '@/jobs/after-commit';
import { fundBatch } from '@/lib/funding';
import { fundingList } from '@/lib/funding/list';
import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/respond';
import { array, businessDate, id } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** API.md POST /fundings {"clientId","invoiceIds":[...],"fundingDate"}: each invoice once, at most 50,000. */
const body = z.object({
  clientId: id('Client'),
  invoiceIds: array('Invoices', id('Invoice'), { min: 1, max: 50_000 }).refine((ids) => new Set(ids).size === ids.length, {
    error: 'Invoices: the same invoice is listed twice',
  }),
  fundingDate: businessDate('Funding date'),
});

/**
 * API.md: POST /fundings → 201, `funded` or `pending_approval` with its holds (nothing posted
 * until approved).
 */
export const POST = apiRoute('funding.fund', body, async ({ tx, actor, input }) => ({
  status: 201,
  body: await fundBatch(tx, input, actor),
  after: afterFunding,
}));

/**
 * Funding batches, newest funding date first, keyset-paged (issue 13): `sort` date|total|status,
 * `order`, filters `status`, `clientId`, `clientName` (contains), `currency`, `from`/`to`
 * (funding date); `total`; `?format=csv`. A client user's key lists its own client's batches only.
 */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, url }) => listAnswer(tx.sql, fundingList(tx.sql, actor), url), { session: true });

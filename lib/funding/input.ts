import { z } from 'zod';
import { businessDate, id, list } from '../validation/fields';

/**
 * A funding batch as the API, the batch builder and the preview send it (API.md POST /fundings):
 * a client, its verified invoices (at most 50,000, each once), the funding date. Each error names
 * its field's label.
 */
export const fundingInputSchema = z.object({
  clientId: id('Client'),
  invoiceIds: list('Invoice', id('Invoice'), { min: 1, max: 50_000 }).refine((ids) => new Set(ids).size === ids.length, {
    error: 'The same invoice is listed twice',
  }),
  fundingDate: businessDate('Funding date'),
});
export type FundingInput = z.input<typeof fundingInputSchema>;
export type FundingData = z.output<typeof fundingInputSchema>;

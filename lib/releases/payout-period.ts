import { z } from 'zod';
import { businessDate, choice, optional } from '../validation/fields';

/**
 * The period of a payout file, as GET /api/v1/payouts and the console's download read it from the
 * query string: from and to (YYYY-MM-DD, to not before from) and the format (CSV unless `nacha`).
 * One schema for both, so the console and the API refuse the same periods with the same words.
 */
export const payoutPeriodSchema = z
  .object({
    from: businessDate('From'),
    to: businessDate('To'),
    format: optional(choice('Format', ['csv', 'nacha'], { csv: 'csv', nacha: 'nacha' })),
  })
  .superRefine((v, ctx) => {
    if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: `To (${v.to}) must not be before From (${v.from})` });
  });
export type PayoutPeriod = z.output<typeof payoutPeriodSchema>;

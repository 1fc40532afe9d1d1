import { z } from 'zod';
import { createDebtor } from '@/lib/debtors';
import { apiRoute } from '@/lib/http/api';
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

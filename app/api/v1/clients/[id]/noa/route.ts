import { z } from 'zod';
import { recordNoa } from '@/lib/debtors';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate, id, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** {"debtorId","sentDate","acknowledgedDate"} (dates may be null: not sent / not acknowledged yet). */
const body = z.object({
  debtorId: id('Debtor'),
  sentDate: optional(businessDate('Notice sent date')),
  acknowledgedDate: optional(businessDate('Notice acknowledged date')),
});

/** Notice of assignment for a client–debtor pair. */
export const POST = apiRoute('debtor.edit', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await recordNoa(tx, pathId(params.id, 'Client'), input, actor),
}));

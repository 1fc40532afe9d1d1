import { z } from 'zod';
import { chargebackInvoice } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ date: businessDate('Chargeback date') });

/** API.md: POST /invoices/{id}/chargeback {"date"} (recourse models). */
export const POST = apiRoute('invoice.chargeback', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await chargebackInvoice(tx, pathId(params.id, 'Invoice'), input, actor),
}));

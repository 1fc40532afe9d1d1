import { z } from 'zod';
import { writeOffInvoice } from '@/lib/collections/disputes';
import { apiRoute, pathId } from '@/lib/http/api';
import { businessDate } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const body = z.object({ date: businessDate('Write-off date') });

/** API.md: POST /invoices/{id}/write-off {"date"} (non-recourse). */
export const POST = apiRoute('invoice.chargeback', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await writeOffInvoice(tx, pathId(params.id, 'Invoice'), input, actor),
}));

import { apiRoute, pathId } from '@/lib/http/api';
import { clearFlagSchema, clearIntakeFlag } from '@/lib/intake/flags';

export const dynamic = 'force-dynamic';

/** Issue 16 item 5: clears an intake flag once — `{"reason"}` → the flag; 409 `already_cleared` the second time. */
export const POST = apiRoute('invoice_flag.clear', clearFlagSchema, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: await clearIntakeFlag(tx, pathId(params.id, 'Intake flag'), input, actor),
}));

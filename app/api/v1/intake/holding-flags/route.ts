import { apiRoute } from '@/lib/http/api';
import { holdingFlags, holdingFlagsSchema, updateHoldingFlags } from '@/lib/intake/settings';

export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 5: which intake flag kinds hold funding until cleared (Settings → Intake flags).
 * GET → `{"kinds":[…],"saved"}` (whoever may open Settings; `saved` false: the default applies).
 * PUT `{"kinds":[…]}` (admins) → the same; an unknown kind is a 400 naming it. Audited.
 */
export const GET = apiRoute('section.settings', async ({ tx }) => ({ status: 200, body: await holdingFlags(tx) }), { session: true });

export const PUT = apiRoute('settings.edit', holdingFlagsSchema, async ({ tx, input, actor }) => ({
  status: 200,
  body: await updateHoldingFlags(tx, input, actor),
}));

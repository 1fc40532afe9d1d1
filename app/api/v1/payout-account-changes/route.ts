import { z } from 'zod';
import { apiRoute } from '@/lib/http/api';
import { listPayoutAccountChanges, payoutChangeFilterSchema } from '@/lib/clients/payout-changes';
import { parseInput } from '@/lib/validation';
import { id, optional } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const query = z.object({ status: payoutChangeFilterSchema, clientId: optional(id('Client')) });

/**
 * Issue 14: payout account changes, newest first (at most 200), masked: `?status=pending` for
 * those waiting for a second person, `?clientId=` for one client's history → {"items":[…]}.
 */
export const GET = apiRoute(
  'staff.read',
  async ({ tx, url }) => {
    const filter = parseInput(query, { status: url.searchParams.get('status') ?? undefined, clientId: url.searchParams.get('clientId') ?? undefined });
    return { status: 200, body: { items: await listPayoutAccountChanges(tx, filter) } };
  },
  { session: true },
);

import { apiRoute, pathId } from '@/lib/http/api';
import { getPayoutAccountChange } from '@/lib/clients/payout-changes';

export const dynamic = 'force-dynamic';

/** One payout account change, masked. */
export const GET = apiRoute('staff.read', async ({ tx, params }) => ({
  status: 200,
  body: await getPayoutAccountChange(tx, pathId(params.id, 'Payout account change')),
}));

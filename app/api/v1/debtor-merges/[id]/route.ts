import { apiRoute, pathId } from '@/lib/http/api';
import { getDebtorMerge } from '@/lib/debtors/merge';

export const dynamic = 'force-dynamic';

/** GET /debtor-merges/{id}: the merge, its status and, once approved, what moved. */
export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: await getDebtorMerge(tx, pathId(params.id, 'Debtor merge'), actor),
}));

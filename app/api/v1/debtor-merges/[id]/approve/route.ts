import { afterFunding } from '@/jobs/after-commit';
import { approveDebtorMerge } from '@/lib/debtors/merge';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * POST /debtor-merges/{id}/approve → 200 with what moved. Whoever proposed it may not (403
 * `maker_checker`); a merge decided already is 409 `already_decided`. The concentration check runs
 * after it, so the survivor's alerts reflect the exposure it took over.
 */
export const POST = apiRoute('debtor.merge_approve', async ({ tx, actor, params }) => ({
  status: 200,
  body: await approveDebtorMerge(tx, pathId(params.id, 'Debtor merge'), actor),
  after: afterFunding,
}));

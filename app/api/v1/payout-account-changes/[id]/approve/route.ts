import { afterPayoutAccountChange } from '@/jobs/after-commit';
import { apiRoute, pathId } from '@/lib/http/api';
import { approvePayoutAccountChange } from '@/lib/clients/payout-changes';

export const dynamic = 'force-dynamic';

/**
 * POST /payout-account-changes/{id}/approve → 200 with the change (masked): the client's payout
 * account is the new one and its contacts are emailed. Its requester may not (403 `maker_checker`);
 * a change decided already is 409 `already_decided`.
 */
export const POST = apiRoute('client.payout_account_approve', async ({ tx, actor, params }) => ({
  status: 200,
  body: await approvePayoutAccountChange(tx, pathId(params.id, 'Payout account change'), actor),
  after: afterPayoutAccountChange,
}));

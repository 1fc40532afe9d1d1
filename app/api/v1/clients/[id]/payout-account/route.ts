import { apiRoute, pathId } from '@/lib/http/api';
import { getPayoutAccount, payoutAccountSchema } from '@/lib/clients/payout-account';
import { pendingPayoutAccountChange, requestPayoutAccountChange } from '@/lib/clients/payout-changes';

export const dynamic = 'force-dynamic';

/**
 * The client's payout bank account, masked, and the change waiting for approval if any:
 * `{"payoutAccount","pendingChange"}` (staff).
 */
export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => {
  const clientId = pathId(params.id, 'Client');
  return {
    status: 200,
    body: { payoutAccount: await getPayoutAccount(tx, clientId, actor), pendingChange: await pendingPayoutAccountChange(tx, clientId, actor) },
  };
});

/**
 * Issue 14: asks for a change of the payout account — {"holderName","routing","account","accountType"}
 * (a US account) or {"holderName","iban","bic"} (`kind` optional) — which takes effect only when
 * someone else approves it: 202 {"changeId","status":"pending","proposed"} (masked). 409
 * `payout_change_pending` while another waits.
 */
export const PUT = apiRoute('client.payout_account', payoutAccountSchema, async ({ tx, actor, params, input }) => ({
  status: 202,
  body: await requestPayoutAccountChange(tx, pathId(params.id, 'Client'), input, actor),
}));

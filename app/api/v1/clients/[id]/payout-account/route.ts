import { apiRoute, pathId } from '@/lib/http/api';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { PAYOUT_ACCOUNT_ROLES, getPayoutAccount, setPayoutAccount } from '@/lib/clients/payout-account';

export const dynamic = 'force-dynamic';

/** The client's payout bank account (for the NACHA file), masked: GET by staff, PUT by underwriters/admins. */
export const GET = apiRoute<{ id: string }>(STAFF_ROLES, async ({ tx, actor, params }) => ({ status: 200, body: { payoutAccount: await getPayoutAccount(tx, pathId(params.id, 'Client'), actor) } }));

export const PUT = apiRoute<{ id: string }>(PAYOUT_ACCOUNT_ROLES, async ({ tx, actor, params, body }) => ({ status: 200, body: { payoutAccount: await setPayoutAccount(tx, pathId(params.id, 'Client'), body, actor) } }));

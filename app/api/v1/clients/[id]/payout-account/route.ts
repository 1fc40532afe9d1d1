import { z } from 'zod';
import { apiRoute, pathId } from '@/lib/http/api';
import { getPayoutAccount, setPayoutAccount } from '@/lib/clients/payout-account';
import { isRoutingNumber } from '@/lib/releases/nacha';
import { choice, optional, text } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

/** The client's payout bank account: {"holderName","routing","account","accountType"}. */
const body = z.object({
  holderName: text('Account holder', { max: 100 }),
  routing: text('Routing number', { max: 9 }).refine(isRoutingNumber, {
    error: 'Routing number must be a 9-digit ABA routing number (its check digit is wrong or it is not 9 digits)',
  }),
  account: text('Account number', { max: 17 }).refine((v) => /^[0-9A-Za-z-]{4,17}$/.test(v), { error: 'Account number must be 4 to 17 letters or digits' }),
  accountType: optional(choice('Account type', ['checking', 'savings'])),
});

/** The client's payout bank account (for the NACHA file), masked: GET by staff, PUT by underwriters/admins. */
export const GET = apiRoute('staff.read', async ({ tx, actor, params }) => ({
  status: 200,
  body: { payoutAccount: await getPayoutAccount(tx, pathId(params.id, 'Client'), actor) },
}));

export const PUT = apiRoute('client.payout_account', body, async ({ tx, actor, params, input }) => ({
  status: 200,
  body: { payoutAccount: await setPayoutAccount(tx, pathId(params.id, 'Client'), input, actor) },
}));

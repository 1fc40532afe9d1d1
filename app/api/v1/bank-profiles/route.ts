import { listBankProfiles, profileSchema, saveBankProfile } from '@/lib/collections/bank-profiles';
import { apiRoute } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 6: bank profiles — a bank's CSV layout under a name, for
 * `POST /payments/import?profile=NAME`. GET lists them by name; POST saves one (a name that exists,
 * in any case, is replaced: `200`; a new one `201`).
 */
export const GET = apiRoute('payment.apply', async ({ tx }) => ({ status: 200, body: { items: await listBankProfiles(tx) } }), { session: true });

export const POST = apiRoute('payment.apply', profileSchema, async ({ tx, input, actor }) => {
  const saved = await saveBankProfile(tx, input, actor);
  return { status: saved.created ? 201 : 200, body: saved };
});

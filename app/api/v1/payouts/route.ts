import { apiRoute } from '@/lib/http/api';
import { payoutCsv } from '@/lib/releases';
import { payoutPeriodSchema } from '@/lib/releases/payout-period';
import { payoutNacha } from '@/lib/releases/payouts';
import { parseInput } from '@/lib/validation';

export const dynamic = 'force-dynamic';

/** The payout file for the bank: paid releases between ?from and ?to, as CSV (or NACHA with ?format=nacha). */
export const GET = apiRoute('payout.download', async ({ tx, url }) => {
  // The same period as the console's download reads (lib/releases/payout-period): 400 naming the field.
  const { from, to, format } = parseInput(payoutPeriodSchema, Object.fromEntries(url.searchParams));
  if (format === 'nacha') {
    const nacha = await payoutNacha(tx, { from, to });
    return {
      status: 200,
      raw: { body: new TextEncoder().encode(nacha.file), contentType: 'text/plain; charset=us-ascii', filename: `payouts-${from}-${to}.ach` },
      headers: { 'x-payout-count': String(nacha.count), 'x-payout-total': nacha.total },
    };
  }
  const csv = await payoutCsv(tx, { from, to });
  return { status: 200, raw: { body: new TextEncoder().encode(csv), contentType: 'text/csv; charset=utf-8', filename: `payouts-${from}-${to}.csv` } };
});

import { DomainError } from '@/lib/errors';
import { isBusinessDate } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { payoutCsv } from '@/lib/releases';
import { payoutNacha } from '@/lib/releases/payouts';

export const dynamic = 'force-dynamic';

/** The payout file for the bank: paid releases between ?from and ?to, as CSV (or NACHA with ?format=nacha). */
export const GET = apiRoute('payout.download', async ({ tx, url }) => {
  const from = url.searchParams.get('from');
  const to = url.searchParams.get('to');
  if (!isBusinessDate(from) || !isBusinessDate(to))
    throw new DomainError('invalid_input', 'from and to must be dates written YYYY-MM-DD', { status: 400, details: { from: 'YYYY-MM-DD', to: 'YYYY-MM-DD' } });
  if (url.searchParams.get('format') === 'nacha') {
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

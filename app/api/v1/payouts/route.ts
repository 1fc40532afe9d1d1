import { DomainError } from '@/lib/errors';
import { isBusinessDate } from '@/lib/dates';
import { apiRoute } from '@/lib/http/api';
import { payoutCsv } from '@/lib/releases';

export const dynamic = 'force-dynamic';

/** The payout file for the bank: paid releases between ?from and ?to, as CSV. */
export const GET = apiRoute(['controller', 'admin', 'approver', 'auditor'], async ({ tx, url }) => {
  const from = url.searchParams.get('from');
  const to = url.searchParams.get('to');
  if (!isBusinessDate(from) || !isBusinessDate(to)) throw new DomainError('invalid_input', 'from and to must be dates written YYYY-MM-DD', { status: 400, details: { from: 'YYYY-MM-DD', to: 'YYYY-MM-DD' } });
  const csv = await payoutCsv(tx, { from, to });
  return { status: 200, raw: { body: new TextEncoder().encode(csv), contentType: 'text/csv; charset=utf-8', filename: `payouts-${from}-${to}.csv` } };
});

import { apiRoute } from '@/lib/http/api';
import { payoutsByDateRetired } from '@/lib/releases/payouts';

export const dynamic = 'force-dynamic';

/**
 * Retired by issue 14: a file of "releases paid in a date range" would pay again what a payout
 * batch already paid. Answers 422 `use_payout_batches` pointing to /api/v1/payout-batches.
 */
export const GET = apiRoute('payout.download', async () => {
  throw payoutsByDateRetired();
});

import { DomainError } from '../errors';

/**
 * Issue 14: payouts are paid by payout batches (lib/payouts), each release once, by one frozen file.
 * The old "file of the releases paid in a date range" (GET /api/v1/payouts, Releases → Download
 * payout file) would list what a batch already paid: it answers this instead.
 */
export function payoutsByDateRetired(): DomainError {
  return new DomainError(
    'use_payout_batches',
    'Payout files now come from payout batches: create one with POST /api/v1/payout-batches {"currency","valueDate"} and download its file from GET /api/v1/payout-batches/{id}/file?format=nacha|pain001|csv (each release is paid once, by one file)',
    { status: 422, details: { see: '/api/v1/payout-batches' } },
  );
}

import { DomainError } from '../errors';
import type { NachaOriginator } from './nacha';

/**
 * The factor's bank for a NACHA payout file, from the environment (NACHA_ORIGIN_ROUTING,
 * NACHA_DESTINATION_ROUTING, NACHA_DESTINATION_NAME, NACHA_COMPANY_ID, NACHA_COMPANY_NAME), read
 * through lib/payouts/originator.ts loadOriginator (the one place Settings will replace it).
 */
export function nachaOriginatorFromEnv(env: Record<string, string | undefined> = process.env): NachaOriginator {
  const need = ['NACHA_ORIGIN_ROUTING', 'NACHA_COMPANY_ID', 'NACHA_COMPANY_NAME'] as const;
  const missing = need.filter((k) => !env[k]?.trim());
  if (missing.length > 0) {
    throw new DomainError(
      'nacha_not_configured',
      `The NACHA file needs the factor's bank details: set ${missing.join(', ')} in the environment (README → Configuration)`,
      { status: 422, details: { missing } },
    );
  }
  return {
    originRouting: env.NACHA_ORIGIN_ROUTING!.trim(),
    destinationRouting: (env.NACHA_DESTINATION_ROUTING || env.NACHA_ORIGIN_ROUTING)!.trim(),
    destinationName: (env.NACHA_DESTINATION_NAME || 'ODFI').trim(),
    companyId: env.NACHA_COMPANY_ID!.trim(),
    companyName: env.NACHA_COMPANY_NAME!.trim(),
  };
}

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

import type { BatchStatus } from './batches';

/** A payout batch's status in words (screens, CSV). */
export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  open: 'open (no file yet)',
  generated: 'file generated',
  sent: 'sent to the bank',
  settled: 'settled',
};

/** The file formats a batch can be paid by, in words, for a batch's currency. */
export function fileFormatsFor(currency: string): [string, string][] {
  return [
    ...(currency === 'USD' ? [['nacha', 'NACHA (ACH CCD)'] as [string, string]] : []),
    ['pain001', 'ISO 20022 pain.001 (SEPA credit transfer)'],
    ['csv', 'CSV with bank details'],
  ];
}

/** Who creates payout batches (Settings → Payout bank; lib/payouts/after-cycle.ts). Pure: the settings form imports it. */
export const BATCH_CREATORS = ['person', 'job'] as const;
export const BATCH_CREATOR_LABELS = {
  person: 'A controller or an admin, on Payouts',
  job: 'The release-cycle job after each cycle (and people too)',
} as const;

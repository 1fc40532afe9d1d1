import { addDays } from '../dates';
import type { DueBucket } from './aging';
import type { AgingBucketName } from './dashboard';

/**
 * Issue 13: where the dashboard's tiles, bars and rows lead — the filtered list behind each
 * figure, in the filter names of the invoices and clients lists (status incl. `open`, currency,
 * `from`/`to` = issue date). The alerts tile leads to Reports → alerts until the alerts list of
 * issue 13 lands (it then takes this path or this line changes).
 */
export const DASHBOARD_LINKS = {
  openInvoices: '/invoices?status=open',
  awaitingVerification: '/invoices?status=submitted',
  activeClients: '/clients?status=active',
  approvals: '/approvals',
  alerts: '/reports/alerts',
} as const;

/**
 * The issue dates of an aging bucket as of `asOf`, exactly as the dashboard counts them (age =
 * asOf − issue date): 0–30 is age ≤ 30 (so it has no `to`: an issue date after asOf, if the
 * business-date window allows one, is still 0–30), 31–60 and 61–90 both ends, 90+ age ≥ 91 (no `from`).
 */
export function agingBucketIssueDates(bucket: AgingBucketName, asOf: string): { from?: string; to?: string } {
  switch (bucket) {
    case '0–30':
      return { from: addDays(asOf, -30) };
    case '31–60':
      return { from: addDays(asOf, -60), to: addDays(asOf, -31) };
    case '61–90':
      return { from: addDays(asOf, -90), to: addDays(asOf, -61) };
    case '90+':
      return { to: addDays(asOf, -91) };
  }
}

/** An aging bar → the open invoices of that currency issued in the bucket's dates. */
export function agingHref(currency: string, bucket: AgingBucketName, asOf: string): string {
  const { from, to } = agingBucketIssueDates(bucket, asOf);
  const q = new URLSearchParams({ status: 'open', currency });
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  return `/invoices?${q.toString()}`;
}

/**
 * Issue 15: the due dates of a days-past-due bucket as of `asOf` (days past due = asOf − due date):
 * Not due is a due date after asOf, 1–30 … 61–90 both ends, 90+ due 91 days or more before asOf.
 */
export function pastDueBucketDueDates(bucket: DueBucket, asOf: string): { from?: string; to?: string } {
  switch (bucket) {
    case 'Not due':
      return { from: addDays(asOf, 1) };
    case '1–30':
      return { from: addDays(asOf, -30), to: addDays(asOf, -1) };
    case '31–60':
      return { from: addDays(asOf, -60), to: addDays(asOf, -31) };
    case '61–90':
      return { from: addDays(asOf, -90), to: addDays(asOf, -61) };
    case '90+':
      return { to: addDays(asOf, -91) };
  }
}

/** A days-past-due bucket → the open invoices of that currency due in the bucket's dates (the invoices list's dueFrom/dueTo). */
export function pastDueHref(currency: string, bucket: DueBucket, asOf: string): string {
  const { from, to } = pastDueBucketDueDates(bucket, asOf);
  const q = new URLSearchParams({ status: 'open', currency });
  if (from) q.set('dueFrom', from);
  if (to) q.set('dueTo', to);
  return `/invoices?${q.toString()}`;
}

/** A top-exposure row → the debtor's page. */
export function debtorHref(debtorId: string | number): string {
  return `/debtors/${debtorId}`;
}

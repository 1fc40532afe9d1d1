import { describe, expect, it } from 'vitest';
import { addDays } from '@/lib/dates';
import { DASHBOARD_LINKS, agingBucketIssueDates, agingHref, debtorHref } from '@/lib/reports/dashboard-links';
import type { AgingBucketName } from '@/lib/reports/dashboard';

const BUCKETS: AgingBucketName[] = ['0–30', '31–60', '61–90', '90+'];
/** The dashboard's rule (lib/reports/dashboard.ts): age = asOf − issue date. */
const bucketOf = (age: number): AgingBucketName => (age <= 30 ? '0–30' : age <= 60 ? '31–60' : age <= 90 ? '61–90' : '90+');

describe('where the dashboard leads', () => {
  it('an aging bar → the open invoices of its currency issued in exactly the dates its bucket counts', () => {
    const asOf = '2026-04-20';
    expect(agingHref('USD', '0–30', asOf)).toBe('/invoices?status=open&currency=USD&from=2026-03-21');
    expect(agingHref('USD', '31–60', asOf)).toBe('/invoices?status=open&currency=USD&from=2026-02-19&to=2026-03-20');
    expect(agingHref('EUR', '61–90', asOf)).toBe('/invoices?status=open&currency=EUR&from=2026-01-20&to=2026-02-18');
    expect(agingHref('USD', '90+', asOf)).toBe('/invoices?status=open&currency=USD&to=2026-01-19');
    // Every issue date from 400 days back to 10 days ahead falls in exactly one range: its own bucket's.
    for (let age = -10; age <= 400; age++) {
      const issued = addDays(asOf, -age);
      const holding = BUCKETS.filter((b) => {
        const { from, to } = agingBucketIssueDates(b, asOf);
        return (!from || issued >= from) && (!to || issued <= to);
      });
      expect(holding, `issued ${issued} (age ${age})`).toEqual([bucketOf(age)]);
    }
  });

  it('tiles and rows → the lists behind them', () => {
    expect(DASHBOARD_LINKS).toEqual({
      openInvoices: '/invoices?status=open',
      awaitingVerification: '/invoices?status=submitted',
      activeClients: '/clients?status=active',
      approvals: '/approvals',
      alerts: '/reports/alerts',
    });
    expect(debtorHref('42')).toBe('/debtors/42');
  });
});

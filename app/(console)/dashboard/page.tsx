import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { canOpen } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { Big, displayMoney } from '@/lib/money';
import { dashboard, type AgingBucket } from '@/lib/reports/dashboard';
import { DASHBOARD_LINKS, agingHref, debtorHref } from '@/lib/reports/dashboard-links';
import { MyFollowUpsSection } from '@/app/(console)/notes/my-follow-ups';

export const metadata: Metadata = { title: 'Dashboard' };
export const dynamic = 'force-dynamic';

const BUCKETS: AgingBucket['bucket'][] = ['0–30', '31–60', '61–90', '90+'];

/** A tile that leads to the list behind its figure (issue 13), when the person may open it. */
function Tile({ href, children }: { href: string | null; children: ReactNode }) {
  if (!href) return children;
  return (
    <Link href={href} className="block rounded-lg hover:ring-2 hover:ring-brand-600 focus-visible:ring-2 focus-visible:ring-brand-600">
      {children}
    </Link>
  );
}

export default async function DashboardPage() {
  const actor = await requireSection('dashboard');
  const invoices = canOpen(actor, 'invoices');
  // On the pool, no transaction: each statement holds a connection only while it runs (two at most).
  const d = await dashboard(getDatabase());
  const currencies = [...new Set(d.aging.map((a) => a.currency))];
  return (
    <div>
      <PageHeader title="Dashboard" subtitle={`Portfolio as of ${d.asOf}`} />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Tile href={canOpen(actor, 'clients') ? DASHBOARD_LINKS.activeClients : null}>
          <Stat label="Active clients" value={`${d.counts.activeClients} of ${d.counts.clients}`} />
        </Tile>
        <Tile href={invoices ? DASHBOARD_LINKS.openInvoices : null}>
          <Stat label="Open invoices" value={d.counts.openInvoices} />
        </Tile>
        <Tile href={invoices ? DASHBOARD_LINKS.awaitingVerification : null}>
          <Stat label="Awaiting verification" value={d.counts.awaitingVerification} />
        </Tile>
        <Tile href={canOpen(actor, 'approvals') ? DASHBOARD_LINKS.approvals : null}>
          <Stat label="Approvals waiting" value={d.approvalsWaiting} hint="Funding holds, agreement changes, releases" />
        </Tile>
      </div>
      <MyFollowUpsSection actor={actor} />
      <DataTable
        caption="Reserves and funds employed by currency"
        csvName="reserve-totals.csv"
        rowKey={(r) => r.currency}
        rows={d.totals}
        empty="Nothing has been funded yet."
        columns={[
          { header: 'Currency', value: (r) => r.currency },
          { header: 'Reserve held', value: (r) => r.reserveHeld, render: (r) => displayMoney(r.reserveHeld, r.currency), align: 'right' },
          { header: 'Receivables', value: (r) => r.receivables, render: (r) => displayMoney(r.receivables, r.currency), align: 'right' },
          { header: 'Funds employed', value: (r) => r.fundsEmployed, render: (r) => displayMoney(r.fundsEmployed, r.currency), align: 'right' },
          { header: 'Fee income', value: (r) => r.feeIncome, render: (r) => displayMoney(r.feeIncome, r.currency), align: 'right' },
        ]}
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Aging of open invoices (days since issue)</h2>
        {currencies.length === 0 ? <p className="mt-2 text-sm text-slate-500">No open invoices.</p> : null}
        {currencies.map((currency) => {
          const rows = BUCKETS.map((bucket) => d.aging.find((a) => a.currency === currency && a.bucket === bucket));
          const max = rows.reduce((m, r) => (r && new Big(r.outstanding).gt(m) ? new Big(r.outstanding) : m), new Big(1));
          return (
            <figure key={currency} className="mt-4" aria-label={`Aging in ${currency}`}>
              <figcaption className="text-sm font-medium text-slate-600">{currency}</figcaption>
              <div className="mt-2 space-y-2">
                {BUCKETS.map((bucket, i) => {
                  const row = rows[i];
                  const share = row ? Number(new Big(row.outstanding).div(max).times(100).round(0).toString()) : 0;
                  const bar = (
                    <>
                      <span className="w-14 text-slate-600">{bucket}</span>
                      <div className="h-4 flex-1 rounded bg-slate-100">
                        <div className={`h-4 rounded ${i < 2 ? 'bg-brand-600' : i === 2 ? 'bg-amber-500' : 'bg-red-600'}`} style={{ width: `${share}%` }} />
                      </div>
                      <span className="num w-48 text-right">{row ? `${displayMoney(row.outstanding, currency)} · ${row.invoices}` : '—'}</span>
                    </>
                  );
                  // A bar leads to its open invoices: this currency, issued in the bucket's dates.
                  return row && invoices ? (
                    <Link
                      key={bucket}
                      href={agingHref(currency, bucket, d.asOf)}
                      aria-label={`${bucket} days in ${currency}: ${row.invoices} open invoices, ${displayMoney(row.outstanding, currency)} — show them`}
                      className="flex items-center gap-3 rounded text-sm hover:bg-slate-50"
                    >
                      {bar}
                    </Link>
                  ) : (
                    <div key={bucket} className="flex items-center gap-3 text-sm">
                      {bar}
                    </div>
                  );
                })}
              </div>
            </figure>
          );
        })}
      </section>
      <DataTable
        caption="Top debtor exposure"
        csvName="debtor-exposure.csv"
        rowKey={(r) => `${r.debtorId}-${r.currency}`}
        rows={d.topDebtors}
        columns={[
          {
            header: 'Debtor',
            value: (r) => r.name,
            render: (r) =>
              canOpen(actor, 'debtors') ? (
                <Link href={debtorHref(r.debtorId)} className="text-brand-700 underline">
                  {r.name}
                </Link>
              ) : (
                r.name
              ),
          },
          { header: 'Outstanding', value: (r) => r.outstanding, render: (r) => displayMoney(r.outstanding, r.currency), align: 'right' },
          { header: 'Credit limit', value: (r) => r.creditLimit, render: (r) => displayMoney(r.creditLimit, r.currency), align: 'right' },
        ]}
      />
      <DataTable
        caption="Alerts"
        csvName="concentration-alerts.csv"
        rowKey={(r) => r.id}
        rows={d.alerts}
        empty="No open alerts: every debtor is under 90% of its concentration limits."
        columns={[
          {
            header: 'Level',
            value: (r) => (r.level === 'breach' ? 'Breach' : 'Near limit'),
            render: (r) => (
              <span className={r.level === 'breach' ? 'font-medium text-red-700' : 'text-amber-700'}>{r.level === 'breach' ? 'Breach' : 'Near limit'}</span>
            ),
          },
          { header: 'Debtor', value: (r) => r.debtorName },
          { header: 'Of', value: (r) => (r.scope === 'client' ? (r.clientName ?? '') : `Portfolio (${r.currency})`) },
          { header: 'Share', value: (r) => r.share, align: 'right' },
          { header: 'Limit', value: (r) => r.limit, align: 'right' },
          { header: 'Exposure', value: (r) => `${r.exposure} ${r.currency}`, render: (r) => displayMoney(r.exposure, r.currency), align: 'right' },
          { header: 'Since', value: (r) => r.openedAt },
        ]}
      />
      {canOpen(actor, 'reports') ? (
        <p className="mt-2 text-right text-sm">
          {/* the alerts list of issue 13 takes this path (lib/reports/dashboard-links.ts) */}
          <Link href={DASHBOARD_LINKS.alerts} className="text-brand-700 underline">
            All concentration alerts
          </Link>
        </p>
      ) : null}
    </div>
  );
}

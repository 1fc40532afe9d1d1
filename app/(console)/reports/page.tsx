import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { listJobRuns } from '@/lib/job-runs';
import { Big, displayMoney } from '@/lib/money';
import { feeIncomeByClientMonth } from '@/lib/reports/fees';
import { RunAccrualForm } from './run-accrual';

export const metadata: Metadata = { title: 'Reports' };
export const dynamic = 'force-dynamic';

export default async function ReportsPage() {
  const actor = await requireSection('reports');
  const db = getDatabase();
  const [income, runs] = await Promise.all([feeIncomeByClientMonth(db), listJobRuns(db, { limit: 30 })]);
  // Monthly totals per currency for the chart.
  const months = new Map<string, Big>();
  for (const r of income) months.set(`${r.month} ${r.currency}`, (months.get(`${r.month} ${r.currency}`) ?? new Big(0)).plus(r.income));
  const bars = [...months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).slice(-12);
  const max = bars.reduce((m, [, v]) => (v.gt(m) ? v : m), new Big(1));
  return (
    <div>
      <PageHeader
        title="Reports"
        subtitle="Fee income, and the background jobs that earn and release it"
        actions={
          <Link href="/reports/alerts?status=open" className="text-sm text-brand-700 underline">
            Concentration alerts →
          </Link>
        }
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Fee income by month</h2>
        {bars.length === 0 ? <p className="mt-2 text-sm text-slate-500">No fee income yet.</p> : null}
        <figure className="mt-3 space-y-2" aria-label="Fee income by month">
          {bars.map(([label, value]) => {
            const [month, currency] = label.split(' ');
            return (
              <div key={label} className="flex items-center gap-3 text-sm">
                <span className="w-24 text-slate-600">{month}</span>
                <div className="h-4 flex-1 rounded bg-slate-100">
                  <div className="h-4 rounded bg-brand-600" style={{ width: `${Number(value.div(max).times(100).round(0).toString())}%` }} />
                </div>
                <span className="num w-44 text-right">{displayMoney(value, currency!)}</span>
              </div>
            );
          })}
        </figure>
      </section>
      <DataTable
        caption="Fee income by client and month"
        csvName="fee-income.csv"
        rowKey={(r) => `${r.month}-${r.clientId}-${r.currency}`}
        rows={income}
        empty="No fee income yet."
        columns={[
          { header: 'Month', value: (r) => r.month },
          { header: 'Client', value: (r) => r.clientName },
          { header: 'Currency', value: (r) => r.currency },
          { header: 'Fee income', value: (r) => r.income, render: (r) => displayMoney(r.income, r.currency), align: 'right' },
        ]}
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Fee accrual</h2>
        <p className="mt-1 text-sm text-slate-600">Runs daily after midnight ({process.env.FACTOR_TIMEZONE || 'UTC'}) and catches up missed days.</p>
        {can(actor, 'accrual.run') ? (
          <div className="mt-3">
            <RunAccrualForm today={todayIn()} />
          </div>
        ) : null}
      </section>
      <DataTable
        caption="Job runs"
        csvName="job-runs.csv"
        rowKey={(r) => r.id}
        rows={runs}
        empty="No job has run yet."
        columns={[
          { header: 'Job', value: (r) => r.job },
          { header: 'Business date', value: (r) => r.businessDate ?? '' },
          { header: 'Status', value: (r) => r.status },
          { header: 'Progress', value: (r) => `${r.progress}%`, align: 'right' },
          {
            header: 'Totals',
            value: (r) => JSON.stringify(Object.fromEntries(Object.entries(r.totals).map(([k, v]) => [k, Array.isArray(v) ? `${v.length} item(s)` : v]))),
          },
          { header: 'Started (UTC)', value: (r) => r.startedAt },
          { header: 'Finished', value: (r) => r.finishedAt ?? '' },
          { header: 'Error', value: (r) => r.error ?? '' },
        ]}
      />
    </div>
  );
}

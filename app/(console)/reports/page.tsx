import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { toQuery, withQuery, type Query } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView, type ListColumn } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { listJobRuns } from '@/lib/job-runs';
import { Big, displayMoney } from '@/lib/money';
import { COMPACT_LIMIT, keysetPage, readListRequest } from '@/lib/lists/keyset';
import {
  FEE_INCOME_LIST,
  feeIncomeByMonth,
  feeIncomeContext,
  feeIncomeItem,
  feeIncomeQuery,
  periodOf,
  type FeeIncomeItem,
  type FeeIncomeRow,
} from '@/lib/reports/fee-income';
import { RunAccrualForm } from './run-accrual';

export const metadata: Metadata = { title: 'Reports' };
export const dynamic = 'force-dynamic';

const PATH = '/reports';

/**
 * Fee income by client for a period of months (issue 13: keyset pages of clients from the monthly
 * roll-ups, lib/reports/fee-income.ts; the period defaults to the last twelve months), and the jobs.
 */
export default async function ReportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('reports');
  const db = getDatabase();
  const today = todayIn();
  const query: Query = toQuery(await searchParams);
  const { request, error } = readListRequest(FEE_INCOME_LIST, query, { defaultLimit: COMPACT_LIMIT });
  const shown: Query = error ? {} : query;
  // the currencies, and whether the period is ranked by the rollups fold (migration 0043), in one statement
  const { currencies, code, ranked } = await feeIncomeContext(db.sql, request, today);
  const period = periodOf(request.filters, today);
  const [income, byMonth, runs] = await Promise.all([
    keysetPage<typeof request.filters, FeeIncomeRow, FeeIncomeItem>(
      db.sql,
      FEE_INCOME_LIST,
      request,
      feeIncomeQuery(db.sql, request, code, today, ranked),
      feeIncomeItem(code),
    ),
    feeIncomeByMonth(db.sql, request.filters, code, today),
    listJobRuns(db, { limit: 30 }),
  ]);
  const bars = byMonth.map((m) => [m.month, new Big(m.income)] as const);
  const max = bars.reduce((m, [, v]) => (v.gt(m) ? v : m), new Big(1));
  const monthColumns: ListColumn<FeeIncomeItem>[] = [...period.months].reverse().map((m) => ({
    header: m,
    value: (r) => r.months[m] ?? '',
    render: (r) => (r.months[m] ? displayMoney(r.months[m]!, r.currency) : '—'),
    align: 'right' as const,
  }));
  return (
    <div>
      <PageHeader
        title="Reports"
        subtitle="Fee income, and the background jobs that earn and release it"
        actions={
          <span className="flex flex-wrap gap-4">
            <Link href="/reports/month-end" className="text-sm text-brand-700 underline">
              Month-end reports →
            </Link>
            <Link href="/reports/roll-forward" className="text-sm text-brand-700 underline">
              Reserve roll-forward →
            </Link>
            {can(actor, 'gl.export') ? (
              <Link href="/settings/gl-accounts" className="text-sm text-brand-700 underline">
                General-ledger export →
              </Link>
            ) : null}
            <Link href="/reports/alerts?status=open" className="text-sm text-brand-700 underline">
              Concentration alerts →
            </Link>
          </span>
        }
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">
          Fee income by month, {period.from} to {period.to} ({code})
        </h2>
        <a className="text-sm text-brand-700 underline" href={withQuery('/api/v1/reports/fee-income', shown, { format: 'pdf' })}>
          Download PDF
        </a>
        <figure className="mt-3 space-y-2" aria-label="Fee income by month">
          {bars.map(([month, value]) => (
            <div key={month} className="flex items-center gap-3 text-sm">
              <span className="w-24 text-slate-600">{month}</span>
              <div className="h-4 flex-1 rounded bg-slate-100">
                <div className="h-4 rounded bg-brand-600" style={{ width: `${Number(value.div(max).times(100).round(0).toString())}%` }} />
              </div>
              <span className="num w-44 text-right">{displayMoney(value, code)}</span>
            </div>
          ))}
        </figure>
      </section>
      <ListFilters path={PATH} query={query} error={error} label="Fee income filters">
        <FilterInput name="from" label="From month" query={query} placeholder={period.from} />
        <FilterInput name="to" label="To month" query={query} placeholder={period.to} />
        <FilterSelect name="currency" label="Currency" query={query} options={currencies.map((c) => ({ value: c, label: c }))} anyLabel={`Default (${code})`} />
        <FilterInput name="name" label="Client name contains" query={query} />
      </ListFilters>
      <ListView
        caption="Fee income by client and month"
        path={PATH}
        query={shown}
        page={income}
        noun="clients"
        rowKey={(r) => r.clientId}
        csvHref={withQuery('/api/v1/reports/fee-income', shown, { format: 'csv' })}
        empty="No fee income in this period."
        columns={[
          {
            header: 'Client',
            sort: 'name',
            value: (r) => r.clientName,
            render: (r) => (
              <a className="text-brand-700 underline" href={`/clients/${r.clientId}`}>
                {r.clientName}
              </a>
            ),
          },
          { header: 'Total', sort: 'total', value: (r) => r.total, render: (r) => displayMoney(r.total, r.currency), align: 'right' },
          ...monthColumns,
        ]}
      />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Fee accrual</h2>
        <p className="mt-1 text-sm text-slate-600">Runs daily after midnight ({process.env.FACTOR_TIMEZONE || 'UTC'}) and catches up missed days.</p>
        {can(actor, 'accrual.run') ? (
          <div className="mt-3">
            <RunAccrualForm today={today} />
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

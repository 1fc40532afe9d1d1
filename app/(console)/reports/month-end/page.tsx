import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { Big, displayMoney } from '@/lib/money';
import { percent } from '@/lib/reports/month-end/exports';
import { loanTapeBatch, loanTapeLine, LOAN_TAPE_HEADER } from '@/lib/reports/month-end/loan-tape';
import { monthEndQuery, parseMonthEndParams, type MonthEndParams } from '@/lib/reports/month-end/params';
import { fundsEmployedReport, ineligiblesReport, trendsReport } from '@/lib/reports/month-end/reports';
import { TrendChart } from './trend-chart';

export const metadata: Metadata = { title: 'Month-end reports' };
export const dynamic = 'force-dynamic';

const PATH = '/reports/month-end';
const VIEWS = [
  { key: 'ineligibles', label: 'Ineligibles and availability', api: 'ineligibles' },
  { key: 'funds-employed', label: 'Net funds employed', api: 'funds-employed' },
  { key: 'trends', label: 'DSO and dilution', api: 'trends' },
  { key: 'loan-tape', label: 'Loan tape', api: 'loan-tape' },
] as const;
type View = (typeof VIEWS)[number]['key'];

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

/**
 * Issue 16 item 6: the month-end reports (lib/reports/month-end) for any date or period, kept in
 * the URL; each with its CSV and PDF from the API (the same report objects). Fee income by client
 * and month is on Reports.
 */
export default async function MonthEndPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSection('reports');
  const db = getDatabase();
  const raw = await searchParams;
  const today = todayIn();
  const viewParam = Array.isArray(raw.view) ? raw.view[0] : raw.view;
  const view: View = VIEWS.some((v) => v.key === viewParam) ? (viewParam as View) : 'ineligibles';
  let p: MonthEndParams;
  let error: Record<string, string> | null = null;
  try {
    p = parseMonthEndParams(raw, today);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e.details as Record<string, string>;
    p = parseMonthEndParams({}, today);
  }
  const query = monthEndQuery(p);
  const api = VIEWS.find((v) => v.key === view)!.api;
  const typed = (k: string) => (error ? ((Array.isArray(raw[k]) ? raw[k][0] : raw[k]) ?? '') : (query[k] ?? ''));
  return (
    <div>
      <PageHeader
        title="Month-end reports"
        subtitle="As of the end of a business date, tied to the ledger to the cent"
        actions={
          <Link href="/reports" className="text-sm text-brand-700 underline">
            Fee income by client and month →
          </Link>
        }
      />
      <nav aria-label="Month-end reports" className="mt-4 flex flex-wrap gap-2">
        {VIEWS.map((v) => (
          <Link
            key={v.key}
            href={`${PATH}?${qs({ ...query, view: v.key })}`}
            aria-current={v.key === view ? 'page' : undefined}
            className={`rounded-full border px-3 py-1 text-sm ${v.key === view ? 'border-brand-600 bg-brand-50 font-semibold' : 'border-slate-300 bg-white'}`}
          >
            {v.label}
          </Link>
        ))}
      </nav>
      <form
        method="get"
        action={PATH}
        aria-label="Report period"
        className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
      >
        <input type="hidden" name="view" value={view} />
        {view === 'trends' ? (
          <>
            <Field label="From month" name="from" type="month" value={typed('from')} error={error?.from} />
            <Field label="To month" name="to" type="month" value={typed('to')} error={error?.to} />
          </>
        ) : (
          <Field label="As of" name="asOf" type="date" value={typed('asOf')} error={error?.asOf} />
        )}
        {view === 'ineligibles' ? (
          <>
            <Field label="Past due after (days)" name="pastDueDays" value={typed('pastDueDays')} error={error?.pastDueDays} />
            <Field label="Cross-age percent" name="crossAgePercent" value={typed('crossAgePercent')} error={error?.crossAgePercent} />
          </>
        ) : null}
        {view !== 'loan-tape' ? <Field label="Currency" name="currency" value={typed('currency')} error={error?.currency} placeholder="All" /> : null}
        <button type="submit" className="rounded bg-brand-600 px-3 py-1.5 font-medium text-white">
          Show
        </button>
        <span className="ml-auto flex gap-3">
          <a className="text-brand-700 underline" href={`/api/v1/reports/${api}?${qs({ ...query, format: 'csv' })}`}>
            Download CSV
          </a>
          {view !== 'loan-tape' ? (
            <a className="text-brand-700 underline" href={`/api/v1/reports/${api}?${qs({ ...query, format: 'pdf' })}`}>
              Download PDF
            </a>
          ) : null}
        </span>
      </form>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {Object.values(error).join(' · ')} — showing the defaults instead.
        </p>
      ) : null}
      <div className="mt-6">
        {view === 'funds-employed' ? await FundsEmployed(db.sql, p) : null}
        {view === 'ineligibles' ? await Ineligibles(db.sql, p) : null}
        {view === 'trends' ? await Trends(db.sql, p) : null}
        {view === 'loan-tape' ? await LoanTape(db.sql, p) : null}
      </div>
    </div>
  );
}

function Field({
  label,
  name,
  value,
  error,
  type = 'text',
  placeholder,
}: {
  label: string;
  name: string;
  value: string;
  error?: string;
  type?: string;
  placeholder?: string;
}) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-slate-600">{label}</span>
      <input
        name={name}
        type={type}
        defaultValue={value}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        className={`rounded border px-2 py-1 ${error ? 'border-red-600' : 'border-slate-300'}`}
      />
      {error ? <span className="text-xs text-red-700">{error}</span> : null}
    </label>
  );
}

type Cell = { value: ReactNode; align?: 'right' };
function Table({
  caption,
  headers,
  rows,
  foot,
  empty,
}: {
  caption: string;
  headers: { label: string; align?: 'right' }[];
  rows: Cell[][];
  foot?: Cell[][];
  empty: string;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <caption className="px-4 py-2 text-left font-semibold">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            {headers.map((h) => (
              <th key={h.label} scope="col" className={`px-3 py-2 font-medium ${h.align === 'right' ? 'text-right' : 'text-left'}`}>
                {h.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={headers.length} className="px-3 py-4 text-slate-500">
                {empty}
              </td>
            </tr>
          ) : null}
          {rows.map((r, i) => (
            <tr key={i} className="border-b border-slate-100">
              {r.map((c, j) => (
                <td key={j} className={`px-3 py-1.5 ${c.align === 'right' ? 'num text-right' : ''}`}>
                  {c.value}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {foot && foot.length > 0 ? (
          <tfoot>
            {foot.map((r, i) => (
              <tr key={i} className="border-t border-slate-300 font-semibold">
                {r.map((c, j) => (
                  <td key={j} className={`px-3 py-1.5 ${c.align === 'right' ? 'num text-right' : ''}`}>
                    {c.value}
                  </td>
                ))}
              </tr>
            ))}
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}

const money = (v: string, c: string): Cell => ({ value: displayMoney(v, c), align: 'right' });
const clientLink = (id: string, name: string): Cell => ({
  value: (
    <a className="text-brand-700 underline" href={`/clients/${id}`}>
      {name}
    </a>
  ),
});

async function FundsEmployed(sql: ReturnType<typeof getDatabase>['sql'], p: MonthEndParams) {
  const r = await fundsEmployedReport(sql, p);
  const line = (x: (typeof r.totals)[number]) => [
    money(x.receivable, x.currency),
    money(x.clientDue, x.currency),
    money(x.reserve, x.currency),
    money(x.clientPayable, x.currency),
    money(x.fundsEmployed, x.currency),
  ];
  return (
    <>
      <p className="mb-3 text-sm text-slate-600">
        Net funds employed = receivables + due from the client − reserve held − payable to the client, each the ledger balance at the end of {p.asOf}.
      </p>
      <Table
        caption={`Net funds employed as of ${p.asOf}`}
        headers={[
          { label: 'Client' },
          { label: 'Receivables', align: 'right' },
          { label: 'Due from the client', align: 'right' },
          { label: 'Reserve held', align: 'right' },
          { label: 'Payable to the client', align: 'right' },
          { label: 'Net funds employed', align: 'right' },
        ]}
        rows={r.rows.map((x) => [clientLink(x.clientId, x.clientName), ...line(x)])}
        foot={r.totals.map((t) => [{ value: `Total ${t.currency}` }, ...line(t)])}
        empty="Nothing was funded by this date."
      />
    </>
  );
}

async function Ineligibles(sql: ReturnType<typeof getDatabase>['sql'], p: MonthEndParams) {
  const r = await ineligiblesReport(sql, p);
  const line = (x: (typeof r.totals)[number]) => [
    money(x.openReceivables, x.currency),
    money(x.pastDue, x.currency),
    money(x.disputed, x.currency),
    money(x.crossAged, x.currency),
    money(x.overLimit, x.currency),
    money(x.eligible, x.currency),
  ];
  const avail = (x: (typeof r.totals)[number], rate: string | null) => [
    money(x.eligible, x.currency),
    { value: rate === null ? '—' : percent(rate, 1), align: 'right' as const },
    money(x.borrowingBase, x.currency),
    money(x.fundsEmployed, x.currency),
    money(x.available, x.currency),
    {
      value: new Big(x.overAdvanced).eq(0) ? '—' : <strong className="text-red-700">{displayMoney(x.overAdvanced, x.currency)}</strong>,
      align: 'right' as const,
    },
  ];
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        Each invoice counts once, in this order: past due (more than {r.pastDueDays} days from the invoice date), disputed (a dispute open on {p.asOf}),
        cross-aged (more than {r.crossAgePercent}% of the debtor’s balance with the client past due), then over limit (what the debtor’s remaining balance
        exceeds its credit limit by, shared among its clients).
      </p>
      <Table
        caption={`Ineligibles as of ${p.asOf}`}
        headers={[
          { label: 'Client' },
          { label: 'Open receivables', align: 'right' },
          { label: 'Past due', align: 'right' },
          { label: 'Disputed', align: 'right' },
          { label: 'Cross-aged', align: 'right' },
          { label: 'Over limit', align: 'right' },
          { label: 'Eligible', align: 'right' },
        ]}
        rows={r.rows.map((x) => [clientLink(x.clientId, x.clientName), ...line(x)])}
        foot={r.totals.map((t) => [{ value: `Total ${t.currency}` }, ...line(t)])}
        empty="No open receivables on this date."
      />
      <Table
        caption={`Availability as of ${p.asOf}`}
        headers={[
          { label: 'Client' },
          { label: 'Eligible', align: 'right' },
          { label: 'Advance rate', align: 'right' },
          { label: 'Borrowing base', align: 'right' },
          { label: 'Net funds employed', align: 'right' },
          { label: 'Available', align: 'right' },
          { label: 'Over-advanced', align: 'right' },
        ]}
        rows={r.rows.map((x) => [clientLink(x.clientId, x.clientName), ...avail(x, x.advanceRate)])}
        foot={r.totals.map((t) => [{ value: `Total ${t.currency}` }, ...avail(t, null)])}
        empty="No client had funds employed on this date."
      />
    </div>
  );
}

async function Trends(sql: ReturnType<typeof getDatabase>['sql'], p: MonthEndParams) {
  const r = await trendsReport(sql, p);
  return (
    <div className="space-y-8">
      <p className="text-sm text-slate-600">
        DSO = receivables at the month’s end ÷ face value funded in the month × the month’s days. Dilution = (receivable credits − cash collected) ÷ receivable
        credits, write-offs and charge-backs by recourse aside.
      </p>
      {r.series.length === 0 ? <p className="text-sm text-slate-500">Nothing was funded in this period.</p> : null}
      {r.series.map((s) => {
        const name = `${s.clientId === null ? 'Portfolio' : s.clientName} (${s.currency})`;
        return (
          <section key={`${s.clientId}-${s.currency}`} aria-label={name} className="space-y-3">
            <h2 className="font-semibold">{name}</h2>
            {s.clientId === null ? (
              <div className="grid gap-4 md:grid-cols-2">
                <TrendChart title={`DSO by month, ${name}`} unit="days" points={s.points.map((x) => ({ label: x.month, value: x.dso }))} />
                <TrendChart title={`Dilution by month, ${name}`} unit="percent" points={s.points.map((x) => ({ label: x.month, value: x.dilution }))} />
              </div>
            ) : null}
            <Table
              caption={`DSO and dilution, ${name}`}
              headers={[
                { label: 'Month' },
                { label: 'Receivables at month end', align: 'right' },
                { label: 'Funded in the month', align: 'right' },
                { label: 'DSO (days)', align: 'right' },
                { label: 'Credits', align: 'right' },
                { label: 'Collected', align: 'right' },
                { label: 'Dilution', align: 'right' },
              ]}
              rows={s.points.map((x) => [
                { value: x.month },
                money(x.receivables, s.currency),
                money(x.creditSales, s.currency),
                { value: x.dso ?? '—', align: 'right' },
                money(x.reduced, s.currency),
                money(x.collected, s.currency),
                { value: percent(x.dilution), align: 'right' },
              ])}
              empty="No months."
            />
          </section>
        );
      })}
    </div>
  );
}

async function LoanTape(sql: ReturnType<typeof getDatabase>['sql'], p: MonthEndParams) {
  // a preview: the open invoices among the first 500 funded by the date; the CSV streams every one
  const { rows } = await loanTapeBatch(sql, p.asOf, '0', 500);
  const shown = rows.slice(0, 25);
  const right = ['Face value', 'Advance', 'Reserve', 'Outstanding', 'Fees to date', 'Days past due'];
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        One row per funded invoice still owed at the end of {p.asOf}: its reserve and outstanding from the ledger as of that day, days past its due date, and
        fees to date. The CSV has every invoice (streamed, however many); below, the first {shown.length}.
      </p>
      <Table
        caption={`Loan tape as of ${p.asOf} (first rows)`}
        headers={LOAN_TAPE_HEADER.filter((h) => !h.endsWith(' id')).map((h) => ({ label: h, align: right.includes(h) ? ('right' as const) : undefined }))}
        rows={shown.map((r) => {
          const l = loanTapeLine(r);
          return l
            .map((v, i) => ({ v, i }))
            .filter(({ i }) => !LOAN_TAPE_HEADER[i]!.endsWith(' id'))
            .map(({ v, i }) => ({ value: v, align: right.includes(LOAN_TAPE_HEADER[i]!) ? ('right' as const) : undefined }));
        })}
        empty="No funded invoice was owed on this date."
      />
    </div>
  );
}

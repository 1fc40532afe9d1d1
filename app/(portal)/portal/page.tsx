import type { Metadata } from 'next';
import Link from 'next/link';
import { BarChart, LineChart } from '@/app/_components/charts';
import { DataTable } from '@/app/_components/data-table';
import { FilterPills } from '@/app/_components/filter-pills';
import { listHref, toQuery, withQuery, type Query } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { getClient } from '@/lib/clients';
import { addDays, todayIn } from '@/lib/dates';
import { CLIENT_FEE_WORDS } from '@/lib/fees/client-fees';
import { INVOICE_LIST_STATUSES, invoiceList, invoiceListParams, invoicePage, statusWords } from '@/lib/invoices/list';
import { readListRequest, DETAIL_LIMIT } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';
import { clientReleases, reserveForecast, reserveHistory } from '@/lib/portal';
import { reserveReport } from '@/lib/releases';
import { listStatements } from '@/lib/statements';
import { DownloadLink } from './download-link';
import { PortalPreferences } from './preferences';
import { PortalStatementForm } from './statement-form';
import { PortalRecentSchedules } from './schedules/recent';

export const metadata: Metadata = { title: 'Your reserves' };
export const dynamic = 'force-dynamic';

const PATH = '/portal';

/**
 * The client's own page. Its invoices are a keyset page of the invoices list (lib/invoices/list.ts,
 * issue 13): status filter, sortable columns, pages and the whole filtered set as CSV — scoped to
 * the signed-in client user's client by the list itself (a `clientId` in the URL is never trusted:
 * another client's id lists nothing).
 */
export default async function PortalPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('portal');
  const clientId = actor.clientId!;
  const query: Query = toQuery(await searchParams);
  delete query.clientId;
  // the latest 10 among the page's other sections (issue 13: a page's cost grows with its rows); 25, 50, 100 a click away
  const { request, error } = readListRequest(invoiceList, invoiceListParams(query), { defaultLimit: DETAIL_LIMIT });
  const shown: Query = error ? {} : query;
  const db = getDatabase();
  const today = todayIn();
  const [client, reserve, history, forecast, releases, statements, invoices] = await Promise.all([
    // the portal shows the client's name and contacts (not its agreement); its reserve report is of
    // that client, and only its figures are shown (sources grouped, not listed one by one)
    getClient(db, clientId, actor, { withAgreement: false }),
    reserveReport(db, clientId, today, actor, { known: true, detail: false }),
    reserveHistory(db, clientId, actor, { today }),
    reserveForecast(db, clientId, actor, today),
    clientReleases(db, clientId, actor),
    listStatements(db, clientId, actor, { limit: 24 }),
    invoicePage(db.sql, actor, request, today),
  ]);
  const lastMonthEnd = addDays(`${today.slice(0, 8)}01`, -1);
  const currencies = [...new Set([...reserve.balances.map((b) => b.currency), ...history.map((h) => h.currency)])];
  return (
    <div>
      <PageHeader title={client.name} subtitle="Your reserve with your factor: what is held, what comes back and when" />
      {reserve.balances.length === 0 ? (
        <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Stat label="Reserve held" value={displayMoney('0', client.currency)} />
        </div>
      ) : null}
      {reserve.balances.map((b) => (
        <section key={b.currency} aria-label={`Balances in ${b.currency}`} className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-5">
          <Stat label={`Reserve held (${b.currency})`} value={displayMoney(b.held, b.currency)} />
          <Stat label={`Releasable now (${b.currency})`} value={displayMoney(b.releasable, b.currency)} hint="paid at your next release cycle" />
          <Stat
            label={`${CLIENT_FEE_WORDS.accruedOnOpen} (${b.currency})`}
            value={displayMoney(b.feesAccruedOnOpen, b.currency)}
            hint={CLIENT_FEE_WORDS.accruedOnOpenHint}
          />
          <Stat label={`${CLIENT_FEE_WORDS.due} (${b.currency})`} value={displayMoney(b.feesDue, b.currency)} hint={CLIENT_FEE_WORDS.dueHint} />
          <Stat label={`You owe (${b.currency})`} value={displayMoney(b.clientDue, b.currency)} hint="chargebacks not yet covered" />
        </section>
      ))}
      {reserve.balances.length > 0 ? <p className="mt-2 text-sm text-slate-600">{CLIENT_FEE_WORDS.help}</p> : null}
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        {currencies.map((c) => (
          <LineChart
            key={`h-${c}`}
            title={`Reserve held over the last 12 months (${c})`}
            currency={c}
            points={history.filter((h) => h.currency === c).map((h) => ({ label: h.date, value: h.held }))}
          />
        ))}
        {currencies.map((c) => (
          <BarChart
            key={`f-${c}`}
            title={`Reserve expected back, by month (${c})`}
            currency={c}
            bars={forecast.buckets.filter((b) => b.currency === c).map((b) => ({ label: b.month, value: b.amount }))}
          />
        ))}
      </div>
      <p className="mt-2 text-sm text-slate-600">
        Forecast from your invoices&apos; due dates, your debtors&apos; average days to pay,{' '}
        {forecast.holdDays > 0 ? `a ${forecast.holdDays}-day holding period, ` : ''}and your {forecast.schedule.cadence.replace('_', ' ')} release cycle.
        {forecast.unscheduled.length > 0
          ? ` Not dated (disputes, fixed reserve): ${forecast.unscheduled.map((u) => displayMoney(u.amount, u.currency)).join(', ')}.`
          : ''}
      </p>
      <DataTable
        caption="When your reserve is expected back"
        csvName="reserve-forecast.csv"
        rowKey={(i) => `${i.label}-${i.currency}`}
        rows={forecast.items}
        shown={DETAIL_LIMIT}
        empty="No reserve is held."
        columns={[
          { header: 'Reserve on', value: (i) => i.label },
          { header: 'Held', value: (i) => `${i.held} ${i.currency}`, render: (i) => displayMoney(i.held, i.currency), align: 'right' },
          { header: 'Expected back', value: (i) => i.expectedBack ?? 'not dated' },
          { header: 'Why', value: (i) => i.why },
        ]}
      />
      <DataTable
        caption="Releases and rebate advices"
        csvName="releases.csv"
        rowKey={(r) => r.id}
        rows={releases}
        empty="No releases yet."
        columns={[
          {
            header: 'Release',
            value: (r) => r.id,
            render: (r) =>
              r.released !== null ? (
                <Link className="text-brand-700 underline" href={`/portal/releases/${r.id}`}>{`Rebate advice ${r.id}`}</Link>
              ) : (
                `Release ${r.id}`
              ),
          },
          { header: 'Date', value: (r) => r.asOf },
          {
            header: 'Released to you',
            value: (r) => (r.released ? `${r.released} ${r.currency}` : ''),
            render: (r) => (r.released ? displayMoney(r.released, r.currency) : '—'),
            align: 'right',
          },
          { header: 'Paid on', value: (r) => (r.paid ? (r.paidAt ?? '') : '') },
          { header: 'Status', value: (r) => r.status },
        ]}
      />
      <DataTable
        caption="Statements"
        csvName="statements.csv"
        rowKey={(s) => s.id}
        rows={statements}
        empty="No statements yet: the monthly statement arrives on the first business day of the month."
        columns={[
          { header: 'Period', value: (s) => s.periodLabel },
          {
            header: 'Closing reserve',
            value: (s) => s.currencies.map((c) => `${c.closing} ${c.currency}`).join('; '),
            render: (s) => s.currencies.map((c) => displayMoney(c.closing, c.currency)).join(' · ') || '—',
          },
          {
            header: 'Download',
            value: (s) => s.downloadUrl,
            render: (s) => <DownloadLink href={s.downloadUrl}>{`Download statement ${s.periodLabel} (PDF)`}</DownloadLink>,
          },
        ]}
      />
      {can(actor, 'statement.issue_own') ? (
        <section aria-label="A statement for any period" data-client-id={clientId} className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">A statement for any period</h2>
          <p className="mt-1 text-sm text-slate-600">Issued once from your reserve ledger and kept; it is then listed above for download.</p>
          <PortalStatementForm from={`${lastMonthEnd.slice(0, 8)}01`} to={lastMonthEnd} />
        </section>
      ) : null}
      <PortalRecentSchedules actor={actor} />
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Email notices</h2>
        <p className="mt-1 text-sm text-slate-600">Who among your contacts gets the statement-ready email and the rebate advice.</p>
        {client.contacts.length === 0 ? <p className="mt-2 text-sm text-slate-500">No contacts on file: ask your factor to add one.</p> : null}
        {client.contacts.map((c) =>
          can(actor, 'client.own_contacts') ? (
            <PortalPreferences
              key={c.email}
              contact={{ name: c.name, email: c.email, notifyStatements: c.notifyStatements !== false, notifyRebates: c.notifyRebates !== false }}
            />
          ) : (
            <p key={c.email} className="mt-2 text-sm">
              {c.name} &lt;{c.email}&gt;: statement emails {c.notifyStatements === false ? 'off' : 'on'}, rebate advice{' '}
              {c.notifyRebates === false ? 'off' : 'on'}
            </p>
          ),
        )}
      </section>
      <FilterPills
        label="Which invoices"
        current={shown.status ?? 'all'}
        options={[
          { value: 'open', label: 'Open invoices', href: listHref(PATH, shown, { status: 'open' }) },
          { value: 'settled', label: 'Settled invoices', href: listHref(PATH, shown, { status: 'settled' }) },
          { value: 'all', label: 'All invoices', href: listHref(PATH, shown, { status: null }) },
        ]}
      />
      <ListFilters path={PATH} query={query} error={error} label="Invoice filters">
        <FilterSelect
          name="status"
          label="Status"
          query={query}
          options={INVOICE_LIST_STATUSES.map((s) => ({ value: s, label: statusWords(s) }))}
          anyLabel="Any status"
        />
        <FilterInput name="number" label="Number starts with" query={query} />
        <FilterInput name="from" label="Issued from" query={query} type="date" />
        <FilterInput name="to" label="Issued to" query={query} type="date" />
      </ListFilters>
      <ListView
        caption="Your invoices"
        path={PATH}
        query={shown}
        page={invoices}
        noun="invoices"
        rowKey={(i) => i.id}
        csvHref={withQuery('/api/v1/invoices', shown, { format: 'csv' })}
        empty="No invoices here."
        columns={[
          { header: 'Number', sort: 'number', value: (i) => i.number },
          { header: 'Debtor', sort: 'debtor', value: (i) => i.debtor.name },
          { header: 'Face value', sort: 'faceValue', value: (i) => i.faceValue, render: (i) => displayMoney(i.faceValue, i.currency), align: 'right' },
          { header: 'Outstanding', sort: 'outstanding', value: (i) => i.outstanding, render: (i) => displayMoney(i.outstanding, i.currency), align: 'right' },
          { header: 'Status', sort: 'status', value: (i) => statusWords(i.status) },
          { header: 'Issued', sort: 'issueDate', value: (i) => i.issueDate },
          { header: 'Due', sort: 'dueDate', value: (i) => i.dueDate },
          { header: 'Funded', sort: 'fundingDate', value: (i) => i.fundingDate ?? '' },
        ]}
      />
    </div>
  );
}

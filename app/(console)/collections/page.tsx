import type { Metadata } from 'next';
import Link from 'next/link';
import type { CSSProperties, ReactNode } from 'react';
import { DataTable } from '@/app/_components/data-table';
import { listHref, toQuery, withQuery, type Query } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView, Pager, showingText } from '@/app/_components/list/list-view';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { describeMapping } from '@/lib/collections/bank-files/mapping';
import { listBankProfiles } from '@/lib/collections/bank-profiles';
import { listDisputes } from '@/lib/collections/disputes';
import { listMisdirected } from '@/lib/collections/misdirected';
import { inboxListDefinition, inboxPage, inboxSummary } from '@/lib/collections/payment-list';
import { todayIn } from '@/lib/dates';
import { COMPACT_LIMIT, keysetPage, readListRequest } from '@/lib/lists/keyset';
import { Big, displayMoney, moneyOut } from '@/lib/money';
import { AGING_BASES, BASIS_BUCKETS, BASIS_LABELS, type AgingBasis, type Bucket, type DueBucket } from '@/lib/reports/aging';
import {
  AGING_LISTS,
  agingCurrencies,
  agingCurrencyOf,
  agingItem,
  agingListQuery,
  agingTotals,
  type AgingListItem,
  type AgingListRow,
} from '@/lib/reports/aging-list';
import { agingHref, pastDueHref } from '@/lib/reports/dashboard-links';
import { FilterPills } from '@/app/_components/filter-pills';
import { MisdirectedForm, OpenDisputeForm, RecordPaymentForm, RecourseForm, RemitForm, ResolveDisputeForm, RowActions } from './forms';
import { ImportBankFileForm } from './bank-import';
import { Inbox } from './inbox';
import { CollectionsNav } from './nav';
import { remitMisdirectedAction, resolveDisputeAction } from './actions';
import { inboxCard } from './suggestions';
import { BrokenPromises } from '../notes/broken-promises';

export const metadata: Metadata = { title: 'Collections' };
export const dynamic = 'force-dynamic';

const TABS = [
  { key: 'inbox', label: 'Inbox' },
  { key: 'disputes', label: 'Disputes' },
  { key: 'aging', label: 'Aging' },
  { key: 'misdirected', label: 'Misdirected payments' },
  { key: 'recourse', label: 'Charge back / write off' },
] as const;
type Tab = (typeof TABS)[number]['key'];

/** SPEC 5.2 and 8: the collections inbox, short pays, disputes, aging, misdirected payments, recourse. */
export default async function CollectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('collections');
  const params = await searchParams;
  const asked = params.tab;
  const tab: Tab = TABS.find((t) => t.key === asked)?.key ?? 'inbox';
  // What each tab offers is the permission table's; the rest read (the lib commands check it too).
  const canApply = can(actor, 'payment.apply');
  const canDispute = can(actor, 'dispute.open');
  const canChargeBack = can(actor, 'invoice.chargeback');
  const today = todayIn();
  let body: ReactNode;
  switch (tab) {
    case 'inbox':
      body = await InboxTab({ canAct: canApply, today, params });
      break;
    case 'disputes':
      body = await DisputesTab({ canAct: canDispute, today });
      break;
    case 'aging':
      body = await AgingTab({ today, params });
      break;
    case 'misdirected':
      body = await MisdirectedTab({ canAct: canApply, today });
      break;
    case 'recourse':
      body = <RecourseTab canAct={canChargeBack} today={today} />;
      break;
  }
  return (
    <div>
      <PageHeader title="Collections" subtitle="Payments in, matched and applied; short pays, disputes and recourse" />
      <CollectionsNav current={tab} />
      {!{ inbox: canApply, disputes: canDispute, aging: canApply, misdirected: canApply, recourse: canChargeBack }[tab] ? (
        <p className="mt-3 text-sm text-slate-600">Read only: the collections team records and applies payments.</p>
      ) : null}
      {body}
    </div>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * The inbox a page at a time (issue 13): the queue's figures over all of it, its payments oldest
 * first by keyset with their suggestions (lib/collections/payment-list.ts, set-based), filters and
 * sorting in the URL, and the whole filtered queue as CSV from the payments API.
 */
async function InboxTab({ canAct, today, params }: { canAct: boolean; today: string; params: Record<string, string | string[] | undefined> }) {
  const db = getDatabase();
  const query = toQuery(params);
  const { request, error } = readListRequest(inboxListDefinition, params);
  const [page, summary, profiles] = await Promise.all([inboxPage(db, request), inboxSummary(db), canAct ? listBankProfiles(db) : []]);
  const sortLink = (sort: string, order: string, label: string) => {
    const current = page.sort === sort && page.order === order;
    return (
      <Link
        key={`${sort}-${order}`}
        href={listHref('/collections', query, { sort, order, cursor: null })}
        aria-current={current ? 'true' : undefined}
        className={`rounded-full border px-3 py-1 ${current ? 'border-brand-700 bg-brand-50 text-brand-800' : 'border-slate-300'}`}
      >
        {label}
      </Link>
    );
  };
  return (
    <>
      <div className="mt-6 grid gap-4 sm:grid-cols-3">
        <Stat label="Payments to apply" value={summary.payments.toLocaleString('en-US')} hint="the whole queue" />
        <Stat label="With suggestions" value={summary.withSuggestions.toLocaleString('en-US')} />
        <Stat
          label="Unapplied cash"
          value={summary.unapplied.length === 0 ? 'None' : summary.unapplied.map((u) => <div key={u.currency}>{displayMoney(u.amount, u.currency)}</div>)}
          hint="stays until applied or refunded"
        />
      </div>
      <BrokenPromises today={today} />
      {canAct ? (
        <div>
          <Panel id="record-payment" title="Record a payment">
            <RecordPaymentForm today={today} />
          </Panel>
          <Panel id="import-bank-file" title="Import a bank file">
            <ImportBankFileForm profiles={profiles.map((p) => ({ id: p.id, name: p.name, mapping: p.mapping, summary: describeMapping(p.mapping) }))} />
          </Panel>
        </div>
      ) : null}
      <ListFilters path="/collections" query={query} error={error} label="Filter the inbox">
        <FilterInput name="payer" label="Payer contains" query={query} />
        <FilterInput name="reference" label="Reference contains" query={query} />
        <FilterInput name="from" label="Received from" query={query} type="date" />
        <FilterInput name="to" label="Received to" query={query} type="date" />
        <FilterInput name="minAmount" label="Smallest amount" query={query} inputMode="decimal" />
        <FilterInput name="maxAmount" label="Largest amount" query={query} inputMode="decimal" />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
      </ListFilters>
      <section aria-labelledby="inbox-heading" className="mt-6">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <div>
            <h2 id="inbox-heading" className="font-semibold">
              Inbox: unapplied payments
            </h2>
            <p className="text-sm text-slate-600" data-testid="list-showing" aria-live="polite">
              {showingText(page, 'payments to apply')}
            </p>
          </div>
          <a
            className="text-sm text-brand-700 underline"
            download
            href={withQuery('/api/v1/payments', query, { toApply: 'yes', sort: page.sort, order: page.order, format: 'csv' })}
          >
            Export CSV ({page.totalApproximate ? 'about ' : ''}
            {page.total.toLocaleString('en-US')} rows)
          </a>
        </div>
        <nav aria-label="Order the inbox" className="mt-2 flex flex-wrap gap-2 text-sm">
          {sortLink('received', 'asc', 'Oldest first')}
          {sortLink('received', 'desc', 'Newest first')}
          {sortLink('amount', 'desc', 'Largest first')}
        </nav>
        <Inbox payments={page.items.map(inboxCard)} canAct={canAct} today={today} />
        <div className="mt-4 rounded-lg border border-slate-200 bg-white">
          <Pager path="/collections" query={query} page={page} />
        </div>
      </section>
    </>
  );
}

async function DisputesTab({ canAct, today }: { canAct: boolean; today: string }) {
  const db = getDatabase();
  const [open, resolved] = await Promise.all([listDisputes(db, { status: 'open' }), listDisputes(db, { status: 'resolved', limit: 50 })]);
  const table = (
    <DataTable
      caption="Open disputes"
      csvName="disputes-open.csv"
      rowKey={(d) => d.id}
      rows={open}
      empty="No open disputes."
      columns={[
        {
          header: 'Invoice',
          value: (d) => d.number,
          render: (d) => (
            <Link className="text-brand-700 underline" href={`/invoices/${d.invoice_id}`}>
              {d.number}
            </Link>
          ),
        },
        { header: 'Client', value: (d) => d.client_name },
        { header: 'Debtor', value: (d) => d.debtor_name },
        { header: 'Amount', value: (d) => moneyOut(d.amount, d.currency), render: (d) => displayMoney(d.amount, d.currency), align: 'right' },
        { header: 'Reason', value: (d) => d.reason },
        { header: 'Opened', value: (d) => d.opened_date },
        ...(canAct
          ? [
              {
                header: 'Resolve',
                value: () => '',
                render: (d: (typeof open)[number]) => (
                  <ResolveDisputeForm disputeId={d.id} invoiceId={d.invoice_id} number={d.number} amount={moneyOut(d.amount, d.currency)} today={today} />
                ),
              },
            ]
          : []),
      ]}
    />
  );
  return (
    <>
      {canAct ? (
        <Panel id="open-dispute" title="Open a dispute on an invoice">
          <OpenDisputeForm today={today} />
        </Panel>
      ) : null}
      {canAct ? <RowActions action={resolveDisputeAction}>{table}</RowActions> : table}
      <DataTable
        caption="Resolved disputes"
        csvName="disputes-resolved.csv"
        rowKey={(d) => d.id}
        rows={resolved}
        empty="No dispute resolved yet."
        columns={[
          {
            header: 'Invoice',
            value: (d) => d.number,
            render: (d) => (
              <Link className="text-brand-700 underline" href={`/invoices/${d.invoice_id}`}>
                {d.number}
              </Link>
            ),
          },
          { header: 'Client', value: (d) => d.client_name },
          { header: 'Debtor', value: (d) => d.debtor_name },
          { header: 'Amount', value: (d) => moneyOut(d.amount, d.currency), render: (d) => displayMoney(d.amount, d.currency), align: 'right' },
          { header: 'Outcome', value: (d) => (d.outcome ?? '').replace('_', ' ') },
          { header: 'Opened', value: (d) => d.opened_date },
          { header: 'Resolved', value: (d) => d.resolved_date ?? '' },
        ]}
      />
    </>
  );
}

/** the buckets' colours, in order (the legend; the bars' gradient in globals.css .aging-total uses the same); by days past due, Not due first */
const BUCKET_COLORS = ['bg-brand-600', 'bg-teal-300', 'bg-amber-500', 'bg-red-600'];
const DUE_BUCKET_COLORS = ['bg-slate-400', ...BUCKET_COLORS];

/**
 * The row's total with a stacked bar before it: the total against the largest on the page, split
 * by bucket. The bar is the span's ::before (globals.css .aging-total), drawn from custom
 * properties — the bar's width and where each bucket but the last ends — so a row adds no element
 * for it (a page of 50 rows drew 250 nested elements, each in the HTML and again in the payload).
 */
function agingBar(row: Pick<AgingListItem, 'buckets' | 'total' | 'currency'>, max: Big, basis: AgingBasis) {
  const total = new Big(row.total);
  const percent = (v: Big) => `${v.round(1).toString()}%`;
  const names = BASIS_BUCKETS[basis];
  let at = new Big(0);
  const ends = names.slice(0, -1).map((b) => (at = total.gt(0) ? at.plus(new Big(row.buckets[b] ?? '0').div(total).times(100)) : at));
  const style: Record<string, string> = { '--w': percent(max.gt(0) ? total.div(max).times(100) : new Big(0)) };
  ['--a', '--b', '--c', '--d'].slice(0, ends.length).forEach((k, i) => (style[k] = percent(ends[i]!)));
  return (
    <span className={basis === 'due' ? 'aging-total aging-total-due' : 'aging-total'} style={style as CSSProperties}>
      {displayMoney(row.total, row.currency)}
    </span>
  );
}

/**
 * A bucket's amount, linking to the open invoices behind it (the debtor's or client's, of that
 * currency and issue — or due — dates). Plain links: 200 of them on a page, each a client
 * component's render (and its props in the page's payload) as a next/link.
 */
function bucketLink(side: 'debtor' | 'client', row: AgingListItem, bucket: string, asOf: string, basis: AgingBasis): ReactNode {
  const amount = row.buckets[bucket] ?? '0';
  if (new Big(amount).eq(0)) return <span className="text-slate-400">{displayMoney(amount, row.currency)}</span>;
  const base = basis === 'due' ? pastDueHref(row.currency, bucket as DueBucket, asOf) : agingHref(row.currency, bucket as Bucket, asOf);
  const href = `${base}&${side === 'debtor' ? 'debtorId' : 'clientId'}=${row.id}`;
  return (
    <a className="hover:underline" href={href}>
      {displayMoney(amount, row.currency)}
    </a>
  );
}

/**
 * Collections → Aging (issue 13): by debtor or by client, one currency, a keyset page at a time
 * from the roll-ups (lib/reports/aging-list.ts), sortable by total, 90+ and name; the currency's
 * totals above; the whole filtered set as CSV (GET /api/v1/reports/aging?format=csv). Issue 15:
 * by invoice date (`basis=issued`, the default) or by days past due (`basis=due`), side by side.
 */
async function AgingTab({ today, params }: { today: string; params: Record<string, string | string[] | undefined> }) {
  const db = getDatabase();
  const path = '/collections';
  const query = toQuery(params);
  const side = query.by === 'client' ? 'client' : 'debtor';
  const basis: AgingBasis = query.basis === 'due' ? 'due' : 'issued';
  const names = BASIS_BUCKETS[basis];
  const colors = basis === 'due' ? DUE_BUCKET_COLORS : BUCKET_COLORS;
  const def = AGING_LISTS[side];
  const { request, error } = readListRequest(def, query, { defaultLimit: COMPACT_LIMIT });
  const kept = { tab: 'aging', by: side, ...(basis === 'due' ? { basis } : {}) };
  const shown: Query = error ? kept : { ...query, ...kept };
  const currencies = await agingCurrencies(db.sql);
  const code = agingCurrencyOf(request.filters, currencies);
  const [page, totals] = await Promise.all([
    keysetPage<typeof request.filters, AgingListRow, AgingListItem>(
      db.sql,
      def,
      request,
      agingListQuery(db.sql, side, request, code, today, basis),
      agingItem(side, basis),
    ),
    agingTotals(db.sql, code, today, basis),
  ]);
  const max = page.items.reduce((m, r) => (new Big(r.total).gt(m) ? new Big(r.total) : m), new Big(0));
  const who = side === 'debtor' ? 'Debtor' : 'Client';
  const label = (b: string) => (basis === 'due' && b !== 'Not due' ? `${b} days past due` : `${b}${basis === 'due' ? '' : ' days'}`);
  const keep = (more: Query) => ({ tab: 'aging', ...(shown.currency ? { currency: shown.currency } : {}), ...more });
  return (
    <>
      <p className="mt-4 text-sm text-slate-600">
        What debtors still owe on open invoices on {today}, {basis === 'due' ? 'by days past their due date' : 'by days since the invoice date'}, in {code}. A
        bucket opens its invoices; the bar is each total against the largest on the page.
      </p>
      <div className="mt-3 flex flex-wrap gap-x-6 gap-y-2">
        <FilterPills
          label="Aging by"
          className=""
          current={side}
          options={[
            { value: 'debtor', label: 'By debtor', href: listHref(path, keep({ by: 'debtor', ...(basis === 'due' ? { basis } : {}) }), {}) },
            { value: 'client', label: 'By client', href: listHref(path, keep({ by: 'client', ...(basis === 'due' ? { basis } : {}) }), {}) },
          ]}
        />
        <FilterPills
          label="Days counted from"
          className=""
          current={basis}
          options={AGING_BASES.map((b) => ({
            value: b,
            label: BASIS_LABELS[b],
            href: listHref(path, keep({ by: side, ...(b === 'due' ? { basis: 'due' } : {}) }), {}),
          }))}
        />
      </div>
      <section aria-label={`Aging totals (${code})`} className={`mt-4 grid grid-cols-2 gap-4 ${basis === 'due' ? 'lg:grid-cols-6' : 'lg:grid-cols-5'}`}>
        {names.map((b) => (
          <Stat key={b} label={label(b)} value={displayMoney(totals.buckets[b] ?? '0', code)} />
        ))}
        <Stat label={`Total owed (${code})`} value={displayMoney(totals.total, code)} hint={`${totals.invoices.toLocaleString('en-US')} open invoices`} />
      </section>
      <ul aria-label="Aging buckets" className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        {names.map((b, i) => (
          <li key={b} className="flex items-center gap-1">
            <span className={`inline-block h-3 w-3 rounded ${colors[i]}`} aria-hidden="true" /> {label(b)}
          </li>
        ))}
      </ul>
      <ListFilters path={path} query={shown} error={error} label="Aging filters">
        <input type="hidden" name="tab" value="aging" />
        <input type="hidden" name="by" value={side} />
        {basis === 'due' ? <input type="hidden" name="basis" value="due" /> : null}
        <FilterSelect name="currency" label="Currency" query={shown} options={currencies.map((c) => ({ value: c, label: c }))} anyLabel={`Default (${code})`} />
        <FilterInput name="name" label={`${who} name contains`} query={shown} />
      </ListFilters>
      <ListView
        caption={`Aging by ${side}${basis === 'due' ? ', days past due' : ''}`}
        path={path}
        query={shown}
        page={page}
        noun={side === 'debtor' ? 'debtors' : 'clients'}
        rowKey={(r) => r.id}
        csvHref={withQuery('/api/v1/reports/aging', shown, { format: 'csv' })}
        empty="No open invoices owing in this currency."
        columns={[
          {
            header: who,
            sort: 'name',
            value: (r) => r.name,
            render: (r) => (
              <a className="text-brand-700 underline" href={r.url}>
                {r.name}
              </a>
            ),
          },
          { header: 'Invoices', value: (r) => String(r.invoices), align: 'right' },
          ...names.map((b) => ({
            header: b,
            sort: b === '90+' ? 'over90' : undefined,
            value: (r: AgingListItem) => r.buckets[b] ?? '0',
            render: (r: AgingListItem) => bucketLink(side, r, b, today, basis),
            align: 'right' as const,
          })),
          { header: 'Total', sort: 'total', value: (r) => r.total, render: (r) => agingBar(r, max, basis), align: 'right' },
        ]}
      />
    </>
  );
}

async function MisdirectedTab({ canAct, today }: { canAct: boolean; today: string }) {
  const db = getDatabase();
  const [open, remitted] = await Promise.all([listMisdirected(db, { status: 'open' }), listMisdirected(db, { status: 'remitted' })]);
  // The invoices a misdirected payment paid, said by number (people do not know ids): one read for the list.
  const ids = [...new Set(open.flatMap((m) => m.invoiceIds))];
  const numbers = new Map(
    ids.length === 0
      ? []
      : (await db.sql<{ id: string; number: string }[]>`select id, number from invoices where id = any(${ids}::bigint[])`).map((r) => [String(r.id), r.number]),
  );
  const table = (
    <DataTable
      caption="Open misdirected payments"
      csvName="misdirected-open.csv"
      rowKey={(m) => m.id}
      rows={open}
      empty="No misdirected payment waits for the client."
      columns={[
        { header: 'Client', value: (m) => m.clientName },
        { header: 'Debtor', value: (m) => m.debtorName },
        { header: 'Amount', value: (m) => m.amount, render: (m) => displayMoney(m.amount, m.currency), align: 'right' },
        { header: 'Paid on', value: (m) => m.paidDate },
        { header: 'Invoices', value: (m) => m.invoiceIds.map((id) => numbers.get(id) ?? id).join(', ') },
        { header: 'Note', value: (m) => m.note },
        ...(canAct
          ? [
              {
                header: 'Remitted',
                value: () => '',
                render: (m: (typeof open)[number]) => (
                  <RemitForm misdirectedId={m.id} label={`${displayMoney(m.amount, m.currency)} from ${m.clientName}`} today={today} />
                ),
              },
            ]
          : []),
      ]}
    />
  );
  return (
    <>
      {canAct ? (
        <Panel id="record-misdirected" title="Record a misdirected payment (the debtor paid the client)">
          <MisdirectedForm today={today} />
        </Panel>
      ) : null}
      {canAct ? <RowActions action={remitMisdirectedAction}>{table}</RowActions> : table}
      <DataTable
        caption="Remitted misdirected payments"
        csvName="misdirected-remitted.csv"
        rowKey={(m) => m.id}
        rows={remitted}
        empty="None remitted yet."
        columns={[
          { header: 'Client', value: (m) => m.clientName },
          { header: 'Debtor', value: (m) => m.debtorName },
          { header: 'Amount', value: (m) => m.amount, render: (m) => displayMoney(m.amount, m.currency), align: 'right' },
          { header: 'Paid on', value: (m) => m.paidDate },
          { header: 'Remitted on', value: (m) => m.remittedDate ?? '' },
          { header: 'Payment', value: (m) => m.remittedPaymentId ?? '' },
        ]}
      />
    </>
  );
}

function RecourseTab({ canAct, today }: { canAct: boolean; today: string }) {
  return (
    <Panel id="recourse" title="Charge back or write off an unpaid invoice">
      <p className="mb-3 text-sm text-slate-600">
        Under a recourse agreement an unpaid invoice is charged back to the client: the shortfall comes from its reserve, then the client&apos;s other
        releasable reserves, and the rest becomes due from the client. Under a non-recourse agreement a debtor default is written off to credit loss; the
        reserve, less fees, stays the client&apos;s.
      </p>
      {canAct ? <RecourseForm today={today} /> : <p className="text-sm text-slate-500">The collections team charges back and writes off.</p>}
    </Panel>
  );
}

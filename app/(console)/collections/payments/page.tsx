import type { Metadata } from 'next';
import { KeptFilter } from '@/app/_components/list/kept-filter';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { PAYMENT_STATUSES, PAYMENT_STATUS_LABELS, paymentList } from '@/lib/collections/payment-list';
import { debtorNameOf } from '@/lib/lists/names';
import { listPageOf } from '@/lib/lists/respond';
import { displayMoney } from '@/lib/money';
import { CollectionsNav } from '../nav';

export const metadata: Metadata = { title: 'All payments' };
export const dynamic = 'force-dynamic';

const PATH = '/collections/payments';

/**
 * Issue 13: every payment received, newest first, a page at a time (keyset), sortable by received
 * date, amount and status, filtered in the URL, with the whole filtered set as CSV.
 */
export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSection('collections');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const [{ page, error }, debtorName] = await Promise.all([listPageOf(db.sql, paymentList(db.sql), params), debtorNameOf(db, query.debtorId)]);
  return (
    <div>
      <PageHeader title="Collections" subtitle="Payments in, matched and applied; short pays, disputes and recourse" />
      <CollectionsNav current="payments" />
      <ListFilters path={PATH} query={query} error={error} label="Filter payments">
        <FilterSelect name="status" label="Status" query={query} options={PAYMENT_STATUSES.map((s) => ({ value: s, label: PAYMENT_STATUS_LABELS[s] }))} />
        <FilterInput name="from" label="Received from" query={query} type="date" />
        <FilterInput name="to" label="Received to" query={query} type="date" />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
        <FilterInput name="minAmount" label="Smallest amount" query={query} inputMode="decimal" />
        <FilterInput name="maxAmount" label="Largest amount" query={query} inputMode="decimal" />
        <FilterInput name="payer" label="Payer contains" query={query} />
        <FilterInput name="reference" label="Reference contains" query={query} />
        <FilterInput name="debtorName" label="Debtor name contains" query={query} />
        <KeptFilter name="debtorId" label="Debtor" shown={debtorName ?? `Debtor ${query.debtorId}`} path={PATH} query={query} />
        {query.toApply ? <input type="hidden" name="toApply" value={query.toApply} /> : null}
      </ListFilters>
      <ListView
        caption="Payments"
        path={PATH}
        query={query}
        page={page}
        noun="payments"
        rowKey={(p) => p.id}
        csvHref={error ? undefined : withQuery('/api/v1/payments', query, { format: 'csv' })}
        columns={[
          { header: 'Payment', value: (p) => `Payment ${p.id}` },
          { header: 'Received', sort: 'received', value: (p) => p.receivedDate },
          { header: 'Payer', value: (p) => p.payerName },
          { header: 'Reference', value: (p) => p.reference, render: (p) => <span className="block max-w-xs break-words">{p.reference}</span> },
          { header: 'Debtor', value: (p) => p.debtorName ?? '' },
          { header: 'Amount', sort: 'amount', value: (p) => p.amount, render: (p) => displayMoney(p.amount, p.currency), align: 'right' },
          { header: 'Unapplied', value: (p) => p.unapplied, render: (p) => displayMoney(p.unapplied, p.currency), align: 'right' },
          { header: 'Status', sort: 'status', value: (p) => PAYMENT_STATUS_LABELS[p.status as keyof typeof PAYMENT_STATUS_LABELS] ?? p.status },
          { header: 'Source', value: (p) => p.source },
        ]}
      />
    </div>
  );
}

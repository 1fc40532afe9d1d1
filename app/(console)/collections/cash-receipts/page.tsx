import type { Metadata } from 'next';
import Link from 'next/link';
import { KeptFilter } from '@/app/_components/list/kept-filter';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { cashReceiptList } from '@/lib/collections/cash-receipts';
import { COMPACT_LIMIT, keysetPage, readListRequest } from '@/lib/lists/keyset';
import { clientNameOf, debtorNameOf } from '@/lib/lists/names';
import { displayMoney } from '@/lib/money';
import { CollectionsNav } from '../nav';

export const metadata: Metadata = { title: 'Cash receipts' };
export const dynamic = 'force-dynamic';

const PATH = '/collections/cash-receipts';

/**
 * Issue 15 item 5: the cash receipts journal — every application of a payment to an invoice, newest
 * first, 25 to a page (keyset), sortable by date and amount, filtered in the URL (date range, client,
 * debtor, invoice number, currency), with the whole filtered set as CSV.
 */
export default async function CashReceiptsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSection('collections');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const spec = cashReceiptList(db.sql);
  const { request, error } = readListRequest(spec.def, params, { defaultLimit: COMPACT_LIMIT });
  const [page, clientName, debtorName] = await Promise.all([
    keysetPage(db.sql, spec.def, request, spec.query(request), spec.map),
    clientNameOf(db, query.clientId),
    debtorNameOf(db, query.debtorId),
  ]);
  return (
    <div>
      <PageHeader title="Collections" subtitle="Payments in, matched and applied; short pays, disputes and recourse" />
      <CollectionsNav current="cash-receipts" />
      <p className="mt-4 text-sm text-slate-600">
        The cash receipts journal: each payment applied to an invoice, on the day the money came in. A payment split over three invoices is three rows.
      </p>
      <ListFilters path={PATH} query={query} error={error} label="Filter cash receipts">
        <FilterInput name="from" label="Date from" query={query} type="date" />
        <FilterInput name="to" label="Date to" query={query} type="date" />
        <FilterInput name="debtorName" label="Debtor name contains" query={query} />
        <FilterInput name="clientName" label="Client name contains" query={query} />
        <FilterInput name="invoice" label="Invoice number" query={query} />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
        <KeptFilter name="clientId" label="Client" shown={clientName ?? `Client ${query.clientId}`} path={PATH} query={query} />
        <KeptFilter name="debtorId" label="Debtor" shown={debtorName ?? `Debtor ${query.debtorId}`} path={PATH} query={query} />
      </ListFilters>
      <ListView
        caption="Cash receipts"
        path={PATH}
        query={query}
        page={page}
        noun="receipts"
        rowKey={(r) => r.id}
        csvHref={error ? undefined : withQuery('/api/v1/cash-receipts', query, { format: 'csv', sort: page.sort, order: page.order })}
        empty="No payment applied matches these filters."
        columns={[
          { header: 'Date', sort: 'date', value: (r) => r.date },
          {
            header: 'Payment reference',
            value: (r) => r.reference,
            render: (r) => (
              <span className="block max-w-xs break-words">
                {r.reference || '—'} <span className="text-xs text-slate-500">(payment {r.paymentId})</span>
              </span>
            ),
          },
          { header: 'Payer', value: (r) => r.payerName },
          {
            header: 'Debtor',
            value: (r) => r.debtorName,
            render: (r) => (
              <Link className="text-brand-700 underline" href={`/debtors/${r.debtorId}`}>
                {r.debtorName}
              </Link>
            ),
          },
          {
            header: 'Client',
            value: (r) => r.clientName,
            render: (r) => (
              <Link className="text-brand-700 underline" href={`/clients/${r.clientId}`}>
                {r.clientName}
              </Link>
            ),
          },
          {
            header: 'Invoice',
            value: (r) => r.invoiceNumber,
            render: (r) => (
              <Link className="text-brand-700 underline" href={`/invoices/${r.invoiceId}`}>
                {r.invoiceNumber}
              </Link>
            ),
          },
          { header: 'Amount applied', sort: 'amount', value: (r) => r.amount, render: (r) => displayMoney(r.amount, r.currency), align: 'right' },
          { header: 'Currency', value: (r) => r.currency },
        ]}
      />
    </div>
  );
}

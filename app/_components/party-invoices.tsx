import Link from 'next/link';
import { FilterSelect, ListFilters, ListView, type ListColumn } from '@/app/_components/list/list-view';
import type { Query } from '@/app/_components/list/list-href';
import { INVOICE_STATUSES } from '@/db/schema/invoices';
import type { PartyInvoice } from '@/lib/debtors/page-lists';
import type { ListPage } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';

/**
 * A party's invoices, a keyset page at a time — the client page's (each row naming its debtor) and
 * the debtor page's (each naming its client): one status filter, one table, one link on to the
 * Invoices list with every other filter. The lists are lib/debtors/page-lists.ts's.
 */
export function PartyInvoices({
  other,
  caption,
  path,
  query,
  page,
  error,
  filterLabel,
  sortable,
  csvHref,
  allHref,
  allText,
  empty = 'No invoices yet.',
}: {
  /** the party each row names: the debtor (on a client's page) or the client (on a debtor's) */
  other: 'client' | 'debtor';
  caption: string;
  path: string;
  query: Query;
  page: ListPage<PartyInvoice>;
  error: string | null;
  filterLabel: string;
  /** the list's sort keys among issueDate, dueDate */
  sortable: ('issueDate' | 'dueDate')[];
  csvHref?: string;
  allHref: string;
  allText: string;
  empty?: string;
}) {
  const sortOf = (key: 'issueDate' | 'dueDate') => (sortable.includes(key) ? key : undefined);
  const columns: ListColumn<PartyInvoice>[] = [
    {
      header: 'Number',
      value: (i) => i.number,
      render: (i) => (
        <a className="text-brand-700 underline" href={`/invoices/${i.id}`}>
          {i.number}
        </a>
      ),
    },
    other === 'debtor'
      ? {
          header: 'Debtor',
          value: (i) => i.debtorName,
          render: (i) => (
            <a className="text-brand-700 underline" href={`/debtors/${i.debtorId}`}>
              {i.debtorName}
            </a>
          ),
        }
      : {
          header: 'Client',
          value: (i) => i.clientName,
          render: (i) => (
            <a className="text-brand-700 underline" href={`/clients/${i.clientId}`}>
              {i.clientName}
            </a>
          ),
        },
    { header: 'Status', value: (i) => i.status.replace('_', ' ') },
    { header: 'Face value', value: (i) => i.faceValue, render: (i) => displayMoney(i.faceValue, i.currency), align: 'right' },
    { header: 'Owed', value: (i) => i.outstanding, render: (i) => displayMoney(i.outstanding, i.currency), align: 'right' },
    { header: 'Issued', sort: sortOf('issueDate'), value: (i) => i.issueDate },
    { header: 'Due', sort: sortOf('dueDate'), value: (i) => i.dueDate },
    { header: 'Funded', value: (i) => i.fundingDate ?? '' },
    { header: 'Settled', value: (i) => i.settledDate ?? '' },
  ];
  return (
    <>
      <ListFilters path={path} query={query} error={error} label={filterLabel}>
        <FilterSelect
          name="status"
          label="Status"
          query={query}
          options={[{ value: 'open', label: 'open (funded or disputed)' }, ...INVOICE_STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))]}
        />
      </ListFilters>
      <p className="mt-2 text-sm">
        <Link className="text-brand-700 underline" href={allHref}>
          {allText}
        </Link>
      </p>
      <ListView<PartyInvoice>
        caption={caption}
        path={path}
        query={query}
        page={page}
        noun="invoices"
        rowKey={(i) => i.id}
        csvHref={csvHref}
        empty={empty}
        columns={columns}
      />
    </>
  );
}

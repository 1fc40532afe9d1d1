import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { FilterPills } from '@/app/_components/filter-pills';
import { listHref, withQuery, type Query } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView, type ListColumn } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { INVOICE_LIST_STATUSES, invoiceList, invoiceListParams, invoicePage, listCurrencies, statusWords, type InvoiceListItem } from '@/lib/invoices/list';
import { resolvePartyFilters, type PartyFilter } from '@/lib/invoices/list-parties';
import { readListRequest } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Invoices' };
export const dynamic = 'force-dynamic';

const PATH = '/invoices';
const fieldClass = 'mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm';

/**
 * Issue 13: every invoice, a page at a time (lib/invoices/list.ts on the keyset engine): sortable
 * columns, filters kept in the URL (the names other screens link with: status, clientId, debtorId,
 * currency, from/to, dueFrom/dueTo, fundedFrom/fundedTo, minDaysPastDue/maxDaysPastDue,
 * minAmount/maxAmount, number), "Showing 1–50 of …", and the whole filtered set as CSV.
 */
export default async function InvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('invoices');
  const params = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const db = getDatabase();
  // Client and debtor are typed by name on the form; the list (and every link) takes their ids.
  const { query, filters: parties } = await resolvePartyFilters(db.sql, params);
  // The form was sent with a name that stands for one client (debtor): on to the list's own URL, which
  // names it by id (the URL other screens link with, and a bookmark that survives a rename).
  const sent = params.client !== undefined || params.debtor !== undefined;
  const settled = [parties.client, parties.debtor].every((p) => !p.unmatched && p.choices.length === 0);
  if (sent && settled) redirect(listHref(PATH, query, {}));
  const { request, error } = readListRequest(invoiceList, invoiceListParams(query));
  const today = todayIn();
  const [page, currencies] = await Promise.all([invoicePage(db.sql, actor, request, today), listCurrencies(db.sql)]);
  // A filter written wrongly: the form keeps what was typed (and says what is wrong); the list and its links are unfiltered.
  const shown: Query = error ? {} : query;

  // The rows' links are plain <a>: next/link is a client component rendered (and its props sent in
  // the page's payload) 150 times a page, and would prefetch pages nobody opens (issue 13).
  const columns: ListColumn<InvoiceListItem>[] = [
    {
      header: 'Number',
      sort: 'number',
      value: (i) => i.number,
      render: (i) => (
        <a className="text-brand-700 underline" href={`/invoices/${i.id}`}>
          {i.number}
        </a>
      ),
    },
    {
      header: 'Client',
      sort: 'client',
      value: (i) => i.client.name,
      render: (i) => (
        <a className="hover:underline" href={`/clients/${i.client.id}`}>
          {i.client.name}
        </a>
      ),
    },
    {
      header: 'Debtor',
      sort: 'debtor',
      value: (i) => i.debtor.name,
      render: (i) => (
        <a className="hover:underline" href={`/debtors/${i.debtor.id}`}>
          {i.debtor.name}
        </a>
      ),
    },
    { header: 'Face value', sort: 'faceValue', value: (i) => i.faceValue, render: (i) => displayMoney(i.faceValue, i.currency), align: 'right' },
    { header: 'Outstanding', sort: 'outstanding', value: (i) => i.outstanding, render: (i) => displayMoney(i.outstanding, i.currency), align: 'right' },
    { header: 'Status', sort: 'status', value: (i) => statusWords(i.status) },
    { header: 'Issued', sort: 'issueDate', value: (i) => i.issueDate, render: (i) => <span className="whitespace-nowrap">{i.issueDate}</span> },
    { header: 'Due', sort: 'dueDate', value: (i) => i.dueDate, render: (i) => <span className="whitespace-nowrap">{i.dueDate}</span> },
    {
      header: 'Funded',
      sort: 'fundingDate',
      value: (i) => i.fundingDate ?? '',
      render: (i) => <span className="whitespace-nowrap">{i.fundingDate ?? '—'}</span>,
    },
    { header: 'Days past due', sort: 'daysPastDue', value: (i) => (i.daysPastDue === null ? '' : String(i.daysPastDue)), align: 'right' },
  ];

  return (
    <div>
      <PageHeader
        title="Invoices"
        subtitle="Every invoice submitted, funded and closed: sort by a column, filter, and export what you see"
        actions={
          can(actor, 'invoice.create') ? (
            <Link href="/invoices/new" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white">
              Enter invoices
            </Link>
          ) : undefined
        }
      />
      <FilterPills
        label="Status"
        className="mt-4"
        current={shown.status ?? 'all'}
        options={[
          { value: 'all', label: 'All', href: listHref(PATH, shown, { status: null }) },
          ...INVOICE_LIST_STATUSES.filter((s) => s !== 'open').map((s) => ({ value: s, label: statusWords(s), href: listHref(PATH, shown, { status: s }) })),
          { value: 'open', label: 'Open', href: listHref(PATH, shown, { status: 'open' }) },
        ]}
      />
      <ListFilters path={PATH} query={query} error={error}>
        <FilterSelect
          name="status"
          label="Status"
          query={query}
          options={INVOICE_LIST_STATUSES.map((s) => ({ value: s, label: statusWords(s) }))}
          anyLabel="Any status"
        />
        <PartyField filter={parties.client} label="Client" query={query} />
        <PartyField filter={parties.debtor} label="Debtor" query={query} />
        <FilterSelect name="currency" label="Currency" query={query} options={currencies.map((c) => ({ value: c, label: c }))} anyLabel="Any currency" />
        <FilterInput name="number" label="Number starts with" query={query} placeholder="NW-10" />
        <FilterInput name="from" label="Issued from" query={query} type="date" />
        <FilterInput name="to" label="Issued to" query={query} type="date" />
        <FilterInput name="dueFrom" label="Due from" query={query} type="date" />
        <FilterInput name="dueTo" label="Due to" query={query} type="date" />
        <FilterInput name="fundedFrom" label="Funded from" query={query} type="date" />
        <FilterInput name="fundedTo" label="Funded to" query={query} type="date" />
        <FilterInput name="minDaysPastDue" label="Days past due, at least" query={query} inputMode="numeric" placeholder="30" />
        <FilterInput name="maxDaysPastDue" label="Days past due, at most" query={query} inputMode="numeric" placeholder="90" />
        <FilterInput name="minAmount" label="Face value, at least" query={query} inputMode="decimal" placeholder="10,000.00" />
        <FilterInput name="maxAmount" label="Face value, at most" query={query} inputMode="decimal" placeholder="50,000.00" />
      </ListFilters>
      <PartyChoices filter={parties.client} query={shown} />
      <PartyChoices filter={parties.debtor} query={shown} />
      <ListView
        caption={captionOf(shown, parties)}
        path={PATH}
        query={shown}
        page={page}
        columns={columns}
        rowKey={(i) => i.id}
        noun="invoices"
        csvHref={withQuery('/api/v1/invoices', shown, { format: 'csv' })}
      />
      <p className="mt-2 text-xs text-slate-500">
        Days past due count from the due date to today ({today}) for open invoices (funded or disputed); their filters keep to open invoices.
      </p>
    </div>
  );
}

function captionOf(query: Query, parties: Record<'client' | 'debtor', PartyFilter>): string {
  const parts = [
    query.status ? statusWords(query.status) : null,
    parties.client.party && query.clientId ? `of ${parties.client.party.name}` : null,
    parties.debtor.party && query.debtorId ? `owed by ${parties.debtor.party.name}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? `Invoices: ${parts.join(', ')}` : 'All invoices';
}

/** A client or debtor typed by name; the id it stands for rides along hidden, so an unchanged name keeps it. */
function PartyField({ filter, label, query }: { filter: PartyFilter; label: string; query: Query }) {
  const idName = filter.kind === 'client' ? 'clientId' : 'debtorId';
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input name={filter.kind} type="search" defaultValue={filter.text} placeholder={`${label} name`} autoComplete="off" className={fieldClass} />
      {filter.party && query[idName] ? <input type="hidden" name={idName} value={filter.party.id} /> : null}
    </label>
  );
}

/** What was typed matches several (links to each, keeping the other filters) or none. */
function PartyChoices({ filter, query }: { filter: PartyFilter; query: Query }) {
  const idName = filter.kind === 'client' ? 'clientId' : 'debtorId';
  if (filter.unmatched) {
    return (
      <p role="status" className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        No {filter.kind}’s name starts with “{filter.text}”; the list is not filtered by {filter.kind}.
      </p>
    );
  }
  if (filter.choices.length === 0) return null;
  return (
    <nav aria-label={`Choose a ${filter.kind}`} className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p>
        Several {filter.kind === 'client' ? 'clients' : 'debtors'} match “{filter.text}”; choose one (or type more of the name):
      </p>
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {filter.choices.map((p) => (
          <li key={p.id}>
            <Link className="text-brand-700 underline" href={listHref(PATH, query, { [idName]: p.id })}>
              {p.name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

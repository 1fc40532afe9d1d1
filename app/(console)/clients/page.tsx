import type { Metadata } from 'next';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { agreementToForm } from '@/lib/agreements/form';
import { agreementTermsSchema } from '@/lib/agreements/terms';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { CLIENT_STATUSES } from '@/db/schema/clients';
import { CLIENTS_LIST, clientRowDetails, clientsListQuery, type ClientListFilters, type ClientListRow, type RawClientRow } from '@/lib/clients/lists';
import { keysetPage, readListRequest } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';
import { NewClientForm } from './new-client-form';

export const metadata: Metadata = { title: 'Clients' };
export const dynamic = 'force-dynamic';

const PATH = '/clients';

/**
 * Issue 13: every client, paged, sorted and filtered from the URL (lib/clients/lists.ts): reserve
 * held and open receivables are the kept balances of its accounts, never a sum of journal lines.
 */
export default async function ClientsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('clients');
  const canCreate = can(actor, 'client.create');
  const query = toQuery(await searchParams);
  const { request, error } = readListRequest(CLIENTS_LIST, query);
  const db = getDatabase();
  const raw = await keysetPage<ClientListFilters, RawClientRow>(db.sql, CLIENTS_LIST, request, clientsListQuery(db.sql, request, actor));
  const page = { ...raw, items: await clientRowDetails(db, raw.items) };
  return (
    <div>
      <PageHeader title="Clients" subtitle="The sellers whose invoices the factor buys" />
      {canCreate ? (
        <details className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <summary className="cursor-pointer font-semibold">New client</summary>
          <p className="mt-2 text-sm text-slate-600">
            A new client starts as a prospect with this agreement as its first version; it is funded once its KYB checklist is complete and another underwriter
            has activated it.
          </p>
          <div className="mt-4">
            {/* The schema's defaults, as the form's starting values. */}
            <NewClientForm defaults={agreementToForm(agreementTermsSchema.parse({}))} />
          </div>
        </details>
      ) : null}
      <ListFilters path={PATH} query={query} error={error} label="Filter clients">
        <FilterInput name="name" label="Name contains" query={query} type="search" />
        <FilterSelect name="status" label="Status" query={query} options={CLIENT_STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))} />
        <FilterInput name="currency" label="Home currency" query={query} placeholder="USD" />
      </ListFilters>
      <ListView<ClientListRow>
        caption="All clients"
        path={PATH}
        query={query}
        page={page}
        noun="clients"
        rowKey={(c) => c.id}
        csvHref={withQuery('/api/v1/clients', query, { format: 'csv' })}
        empty="No client matches these filters."
        columns={[
          {
            header: 'Client',
            sort: 'name',
            value: (c) => c.name,
            render: (c) => (
              <span>
                <a className="text-brand-700 underline" href={`/clients/${c.id}`}>
                  {c.name}
                </a>
                <span className="ml-1 text-xs text-slate-500">#{c.id}</span>
              </span>
            ),
          },
          { header: 'Status', sort: 'status', value: (c) => c.status.replace('_', ' ') },
          { header: 'Currency', sort: 'currency', value: (c) => c.currency },
          { header: 'Model', value: (c) => c.model ?? '' },
          { header: 'Risk score', value: (c) => (c.riskScore === null ? 'unscored' : String(c.riskScore)), align: 'right' },
          { header: 'Open invoices', value: (c) => c.openInvoices.toLocaleString('en-US'), align: 'right' },
          {
            header: 'Open receivables',
            sort: 'openReceivables',
            value: (c) => c.openReceivables,
            render: (c) => balances(c, 'openReceivables'),
            align: 'right',
          },
          {
            header: 'Reserve held',
            sort: 'reserveHeld',
            value: (c) => c.reserveHeld,
            render: (c) => balances(c, 'reserveHeld'),
            align: 'right',
          },
        ]}
      />
    </div>
  );
}

/** The home currency's figure (what the column sorts by), then any other currency's. */
function balances(c: ClientListRow, key: 'openReceivables' | 'reserveHeld') {
  const others = c.balances.filter((b) => b.currency !== c.currency && !/^0(\.0+)?$/.test(b[key]));
  return (
    <span>
      {displayMoney(c[key], c.currency)}
      {others.map((b) => (
        <span key={b.currency} className="block text-xs text-slate-600">
          {displayMoney(b[key], b.currency)}
        </span>
      ))}
    </span>
  );
}

import type { Metadata } from 'next';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { DEBTORS_LIST, debtorsQuery, mapDebtorRow, type DebtorListRow } from '@/lib/debtors/lists';
import { keysetPage, readListRequest } from '@/lib/lists/keyset';
import { displayMoney } from '@/lib/money';
import { NewDebtorForm } from './forms';

export const metadata: Metadata = { title: 'Debtors' };
export const dynamic = 'force-dynamic';

const PATH = '/debtors';

/**
 * Issue 13: every debtor, paged, sorted and filtered from the URL (lib/debtors/lists.ts; the
 * figures are the roll-up view debtor_figures_now). Each opens its page: invoices and payments across
 * clients, days to pay, dilution, limit history, merges.
 */
export default async function DebtorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('debtors');
  // Who creates debtors is the permission table's (debtor.edit); everyone else reads.
  const canEdit = can(actor, 'debtor.edit');
  const query = toQuery(await searchParams);
  const { request, error } = readListRequest(DEBTORS_LIST, query);
  const db = getDatabase();
  // The console's Debtors section is staff's (section.debtors): the whole book.
  const page = await keysetPage(db.sql, DEBTORS_LIST, request, debtorsQuery(db.sql, request), mapDebtorRow);
  return (
    <div>
      <PageHeader title="Debtors" subtitle="The buyers who owe the invoices" />
      {canEdit ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">New debtor</h2>
          <NewDebtorForm />
          <p className="mt-2 text-xs text-slate-500">A debtor&apos;s credit limit and rating are changed on its page.</p>
        </section>
      ) : null}
      <ListFilters path={PATH} query={query} error={error} label="Filter debtors">
        <FilterInput name="name" label="Name contains" query={query} type="search" />
        <FilterSelect
          name="overLimit"
          label="Exposure over its credit limit"
          query={query}
          options={[
            { value: 'true', label: 'Over the limit' },
            { value: 'false', label: 'Within the limit' },
          ]}
        />
        <FilterSelect
          name="hasOpenInvoices"
          label="Open invoices"
          query={query}
          options={[
            { value: 'true', label: 'Has open invoices' },
            { value: 'false', label: 'No open invoices' },
          ]}
        />
        <FilterSelect
          name="status"
          label="Merged debtors"
          query={query}
          anyLabel="Hide merged"
          options={[
            { value: 'merged', label: 'Only merged' },
            { value: 'all', label: 'Show all' },
          ]}
        />
      </ListFilters>
      <ListView<DebtorListRow>
        caption="All debtors"
        path={PATH}
        query={query}
        page={page}
        noun="debtors"
        rowKey={(d) => d.id}
        csvHref={withQuery('/api/v1/debtors', query, { format: 'csv' })}
        columns={[
          {
            header: 'Debtor',
            sort: 'name',
            value: (d) => d.name,
            render: (d) => (
              <span>
                <a className="text-brand-700 underline" href={`/debtors/${d.id}`}>
                  {d.name}
                </a>
                <span className="ml-1 text-xs text-slate-500">#{d.id}</span>
                {d.mergedIntoId ? <span className="ml-1 text-xs text-amber-800">merged into #{d.mergedIntoId}</span> : null}
              </span>
            ),
          },
          { header: 'Risk rating', value: (d) => d.riskRating ?? '' },
          // debtors' credit limits are kept in USD (lib/debtors; the debtor form says so)
          {
            header: 'Credit limit',
            sort: 'creditLimit',
            value: (d) => d.creditLimit ?? '',
            render: (d) => (d.creditLimit ? displayMoney(d.creditLimit, 'USD') : ''),
            align: 'right',
          },
          {
            header: 'Exposure',
            sort: 'exposure',
            value: (d) => d.exposure.map((e) => `${e.amount} ${e.currency}`).join('; '),
            render: (d) => (
              <span className={d.overLimit ? 'font-medium text-red-800' : undefined}>
                {d.exposure.map((e) => displayMoney(e.amount, e.currency)).join(' · ') || '—'}
                {d.overLimit ? ' (over limit)' : ''}
              </span>
            ),
            align: 'right',
          },
          { header: 'Open invoices', sort: 'openInvoices', value: (d) => d.openInvoices.toLocaleString('en-US'), align: 'right' },
        ]}
      />
    </div>
  );
}

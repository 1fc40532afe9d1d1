import type { Metadata } from 'next';
import Link from 'next/link';
import { KeptFilter } from '@/app/_components/list/kept-filter';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { resolveClientPick } from '@/lib/clients/pick';
import { ClientPicker } from '@/app/_components/client-picker';
import { todayIn } from '@/lib/dates';
import { listFundableInvoices } from '@/lib/funding';
import { openFlagBadges } from '@/lib/intake/flags';
import { FUNDING_STATUSES, FUNDING_STATUS_LABELS, fundingList } from '@/lib/funding/list';
import { clientNameOf } from '@/lib/lists/names';
import { listPageOf } from '@/lib/lists/respond';
import { displayMoney } from '@/lib/money';
import { agreementOn } from '@/lib/clients';
import { listAwaitingVerification } from '@/lib/verifications';
import { BatchBuilder } from './builder';
import { BulkVerify } from './bulk-verify';

export const metadata: Metadata = { title: 'Fundings' };
export const dynamic = 'force-dynamic';

export default async function FundingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('fundings');
  const params = await searchParams;
  const query = toQuery(params);
  const client = query.client;
  const db = getDatabase();
  const canFund = can(actor, 'funding.fund');
  // The builder's client: typed into a typeahead (10,000 clients are no select), one indexed lookup of what was picked.
  const [picked, { page, error }, filteredClient] = await Promise.all([
    canFund ? resolveClientPick(db.sql, { id: client, label: query.clientLabel }, { label: 'Client', statuses: ['active'] }) : Promise.resolve(null),
    listPageOf(db.sql, fundingList(db.sql, actor), params),
    clientNameOf(db, query.clientId),
  ]);
  const chosen = picked?.client ?? undefined;
  // Issue 15: the agreement's verification threshold marks what needs a record before funding.
  const agreement = chosen ? await agreementOn(db, Number(chosen.id), todayIn()) : null;
  const rule = chosen ? { threshold: agreement?.verificationThreshold, currency: chosen.currency } : null;
  const canVerify = can(actor, 'invoice.verify');
  const [fundable, awaiting] =
    chosen && rule
      ? await Promise.all([
          listFundableInvoices(db, Number(chosen.id), rule),
          canVerify ? listAwaitingVerification(db, Number(chosen.id), rule) : Promise.resolve([]),
        ])
      : [[], []];
  // Issue 16 item 5: each listed invoice's open intake flags, in one query for the whole list
  const flags = await openFlagBadges(
    db,
    fundable.map((i) => Number(i.id)),
  );
  return (
    <div>
      <PageHeader title="Fundings" subtitle="Funding batches: the split per invoice, the limit checks, and approvals for holds" />
      {canFund ? (
        <section className="mt-6">
          <h2 className="font-semibold">Build a funding batch</h2>
          <form action="/fundings" aria-label="Choose a client to fund" className="mt-2 flex flex-wrap items-start gap-2">
            <div className="w-full max-w-md">
              <ClientPicker
                name="client"
                label="Client"
                initialId={chosen?.id ?? ''}
                initialLabel={chosen ? `${chosen.name} (#${chosen.id}, ${chosen.currency})` : (query.clientLabel ?? '')}
                error={picked?.error ?? undefined}
                hint="An active client: type part of the name, or the client number"
              />
            </div>
            <button type="submit" className="mt-6 rounded-md border border-slate-300 px-3 py-2 text-sm">
              Show verified invoices
            </button>
          </form>
          {chosen && canVerify ? <BulkVerify key={`verify-${chosen.id}`} clientName={chosen.name} invoices={awaiting} /> : null}
          {chosen ? <BatchBuilder key={chosen.id} clientId={chosen.id} clientName={chosen.name} invoices={fundable} flags={flags} today={todayIn()} /> : null}
        </section>
      ) : null}
      <ListFilters path="/fundings" query={query} error={error} label="Filter funding batches">
        <FilterSelect name="status" label="Status" query={query} options={FUNDING_STATUSES.map((s) => ({ value: s, label: FUNDING_STATUS_LABELS[s] }))} />
        <FilterInput name="clientName" label="Client name contains" query={query} />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
        <FilterInput name="from" label="Funded from" query={query} type="date" />
        <FilterInput name="to" label="Funded to" query={query} type="date" />
        <KeptFilter name="clientId" label="Client" shown={filteredClient ?? `Client ${query.clientId}`} path="/fundings" query={query} />
      </ListFilters>
      <ListView
        caption="Funding batches"
        path="/fundings"
        query={query}
        page={page}
        noun="batches"
        rowKey={(b) => b.id}
        csvHref={error ? undefined : withQuery('/api/v1/fundings', query, { format: 'csv' })}
        empty="No funding batch matches these filters."
        columns={[
          {
            header: 'Batch',
            value: (b) => b.id,
            render: (b) => <a className="text-brand-700 underline" href={`/fundings/${b.id}`}>{`Batch ${b.id}`}</a>,
          },
          {
            header: 'Client',
            value: (b) => b.clientName,
            render: (b) => (
              <Link className="underline" href={`/clients/${b.clientId}`}>
                {b.clientName}
              </Link>
            ),
          },
          { header: 'Funding date', sort: 'date', value: (b) => b.fundingDate },
          { header: 'Status', sort: 'status', value: (b) => FUNDING_STATUS_LABELS[b.status as keyof typeof FUNDING_STATUS_LABELS] ?? b.status },
          { header: 'Invoices', value: (b) => String(b.invoices), align: 'right' },
          { header: 'Face value', sort: 'total', value: (b) => b.totalFace, render: (b) => displayMoney(b.totalFace, b.currency), align: 'right' },
          { header: 'Advance', value: (b) => b.totalAdvance, render: (b) => displayMoney(b.totalAdvance, b.currency), align: 'right' },
          { header: 'Holds', value: (b) => String(b.holds), align: 'right' },
          { header: 'Requested by', value: (b) => b.requestedBy ?? '' },
        ]}
      />
    </div>
  );
}

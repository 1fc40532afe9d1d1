import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { KeptFilter } from '@/app/_components/list/kept-filter';
import { toQuery, withQuery } from '@/app/_components/list/list-href';
import { FilterInput, FilterSelect, ListFilters, ListView } from '@/app/_components/list/list-view';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { displayMoney } from '@/lib/money';
import { keysetPage, parseListRequest } from '@/lib/lists/keyset';
import { clientNameOf } from '@/lib/lists/names';
import { listPageOf } from '@/lib/lists/respond';
import { POSTED_STATUSES, RELEASE_STATUSES, RELEASE_STATUS_LABELS, cycleList, cycleListDefinition, releaseList } from '@/lib/releases/list';
import { RunCycleForm } from './forms';

export const metadata: Metadata = { title: 'Releases' };
export const dynamic = 'force-dynamic';

const PATH = '/releases';

export default async function ReleasesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireSection('releases');
  const params = await searchParams;
  const query = toQuery(params);
  const db = getDatabase();
  const canRun = can(actor, 'release.run_cycle');
  const today = todayIn();
  const cycleRequest = parseListRequest(cycleListDefinition, { limit: '5' });
  const cycles = cycleList(db.sql);
  const [latestCycles, { page, error }, filteredClient] = await Promise.all([
    keysetPage(db.sql, cycles.def, cycleRequest, cycles.query(cycleRequest), cycles.map),
    listPageOf(db.sql, releaseList(db.sql, actor), params),
    clientNameOf(db, query.clientId),
  ]);
  const canExport = can(actor, 'payout.download');
  return (
    <div>
      <PageHeader title="Releases" subtitle="Release cycles on each client's cadence; what each proposed, paid automatically or left for approval" />
      {canRun ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 font-semibold">Run a release cycle now</h2>
          <p className="mb-3 text-sm text-slate-600">
            A cycle also runs every business day at 06:00 for the clients due by cadence. Running one again for the same date proposes nothing twice.
          </p>
          <RunCycleForm today={today} />
        </section>
      ) : null}
      <DataTable
        caption="Release cycles"
        csvName="release-cycles.csv"
        rowKey={(c) => c.id}
        rows={latestCycles.items}
        empty="No release cycle has run yet."
        columns={[
          {
            header: 'Cycle',
            value: (c) => c.id,
            render: (c) => <a className="text-brand-700 underline" href={`/releases/cycles/${c.id}`}>{`Cycle ${c.id}`}</a>,
          },
          { header: 'As of', value: (c) => c.asOf },
          { header: 'Kind', value: (c) => c.kind.replace('_', ' ') },
          { header: 'Status', value: (c) => c.status },
          { header: 'Clients done', value: (c) => `${c.clientsDone} of ${c.clientsDue}`, align: 'right' },
          { header: 'Proposed', value: (c) => String(c.totals.proposed ?? 0), align: 'right' },
          { header: 'Approved', value: (c) => String(c.totals.approved ?? c.totals.paid ?? 0), align: 'right' },
          { header: 'Waiting', value: (c) => String(c.totals.pending ?? 0), align: 'right' },
          { header: 'Run by', value: (c) => c.createdBy },
          { header: 'Started', value: (c) => c.createdAt },
        ]}
      />
      <p className="mt-2 text-sm">
        <Link className="text-brand-700 underline" href="/releases/cycles">
          Every release cycle ({latestCycles.totalApproximate ? 'about ' : ''}
          {latestCycles.total.toLocaleString('en-US')}), with filters →
        </Link>
      </p>
      <ListFilters path={PATH} query={query} error={error} label="Filter releases">
        <FilterSelect name="status" label="Status" query={query} options={RELEASE_STATUSES.map((s) => ({ value: s, label: RELEASE_STATUS_LABELS[s] }))} />
        <FilterInput name="clientName" label="Client name contains" query={query} />
        <FilterInput name="currency" label="Currency" query={query} placeholder="USD" />
        <FilterInput name="from" label="Release date from" query={query} type="date" />
        <FilterInput name="to" label="Release date to" query={query} type="date" />
        <FilterInput name="minAmount" label="Smallest amount" query={query} inputMode="decimal" />
        <FilterInput name="maxAmount" label="Largest amount" query={query} inputMode="decimal" />
        <KeptFilter name="clientId" label="Client" shown={filteredClient ?? `Client ${query.clientId}`} path={PATH} query={query} />
        <KeptFilter name="cycleId" label="Cycle" shown={`Cycle ${query.cycleId}`} path={PATH} query={query} />
      </ListFilters>
      <ListView
        caption="Releases"
        path={PATH}
        query={query}
        page={page}
        noun="releases"
        rowKey={(r) => r.id}
        csvHref={error ? undefined : withQuery('/api/v1/releases', query, { format: 'csv' })}
        empty="No release matches these filters."
        columns={[
          {
            header: 'Release',
            value: (r) => r.id,
            render: (r) => <a className="text-brand-700 underline" href={`/releases/${r.id}`}>{`Release ${r.id}`}</a>,
          },
          {
            header: 'Client',
            value: (r) => r.clientName,
            render: (r) => (
              <Link className="underline" href={`/clients/${r.clientId}`}>
                {r.clientName}
              </Link>
            ),
          },
          { header: 'As of', sort: 'date', value: (r) => r.asOf },
          {
            header: 'Proposed',
            sort: 'amount',
            value: (r) => `${r.amount} ${r.currency}`,
            render: (r) => displayMoney(r.amount, r.currency),
            align: 'right',
          },
          {
            header: 'Released',
            value: (r) => (r.approvedAmount && POSTED_STATUSES.has(r.status) ? `${r.approvedAmount} ${r.currency}` : ''),
            render: (r) => (r.approvedAmount && POSTED_STATUSES.has(r.status) ? displayMoney(r.approvedAmount, r.currency) : ''),
            align: 'right',
          },
          { header: 'Status', sort: 'status', value: (r) => RELEASE_STATUS_LABELS[r.status as keyof typeof RELEASE_STATUS_LABELS] ?? r.status },
          { header: 'Mode', value: (r) => r.releaseMode },
        ]}
      />
      {canExport ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Payouts to the bank</h2>
          <p className="mt-2 text-sm text-slate-600">
            Approved releases are paid through payout batches, one per currency and value date: create the batch, generate its file once (NACHA, pain.001 or CSV
            — it is then frozen), mark it sent, then settled when the bank confirms.{' '}
            <Link href="/payouts" className="text-brand-700 underline">
              Payouts →
            </Link>
          </p>
          {can(actor, 'payout_bank.read') ? (
            <p className="mt-1 text-sm text-slate-600">
              The factor&apos;s own bank on the files:{' '}
              <Link href="/settings/payout-bank" className="text-brand-700 underline">
                Settings → Payout bank
              </Link>
              .
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { FilterPills } from '@/app/_components/filter-pills';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listClients } from '@/lib/clients';
import { addDays, todayIn } from '@/lib/dates';
import { displayMoney } from '@/lib/money';
import { listCycles, listReleases } from '@/lib/releases';
import { RunCycleForm } from './forms';

export const metadata: Metadata = { title: 'Releases' };
export const dynamic = 'force-dynamic';

const STATUSES = ['pending_approval', 'paid', 'rejected', 'nothing_due'] as const;
const statusLabel = (s: string) => s.replace('_', ' ');

export default async function ReleasesPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const actor = await requireSection('releases');
  const { status } = await searchParams;
  const filter = STATUSES.find((s) => s === status);
  const db = getDatabase();
  const canRun = can(actor, 'release.run_cycle');
  const today = todayIn();
  const [cycles, releases, clients] = await Promise.all([
    listCycles(db, 50),
    listReleases(db, { status: filter, limit: 200 }),
    canRun ? listClients(db, actor) : Promise.resolve([]),
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
          <RunCycleForm
            today={today}
            clients={clients.filter((c) => c.status === 'active' || c.status === 'suspended').map((c) => ({ id: c.id, name: c.name }))}
          />
        </section>
      ) : null}
      <DataTable
        caption="Release cycles"
        csvName="release-cycles.csv"
        rowKey={(c) => c.id}
        rows={cycles}
        empty="No release cycle has run yet."
        columns={[
          {
            header: 'Cycle',
            value: (c) => c.id,
            render: (c) => <Link className="text-brand-700 underline" href={`/releases/cycles/${c.id}`}>{`Cycle ${c.id}`}</Link>,
          },
          { header: 'As of', value: (c) => c.asOf },
          { header: 'Kind', value: (c) => c.kind.replace('_', ' ') },
          { header: 'Status', value: (c) => c.status },
          { header: 'Clients done', value: (c) => `${c.clientsDone} of ${c.clientsDue}`, align: 'right' },
          { header: 'Proposed', value: (c) => String(c.totals.proposed ?? 0), align: 'right' },
          { header: 'Paid', value: (c) => String(c.totals.paid ?? 0), align: 'right' },
          { header: 'Waiting', value: (c) => String(c.totals.pending ?? 0), align: 'right' },
          { header: 'Run by', value: (c) => c.createdBy },
          { header: 'Started', value: (c) => c.createdAt },
        ]}
      />
      <FilterPills
        label="Filter releases by status"
        current={filter ?? 'all'}
        options={['all', ...STATUSES].map((s) => ({
          value: s,
          label: s === 'all' ? 'All' : statusLabel(s),
          href: s === 'all' ? '/releases' : `/releases?status=${s}`,
        }))}
      />
      <DataTable
        caption="Releases"
        csvName="releases.csv"
        rowKey={(r) => r.id}
        rows={releases}
        empty="No releases."
        columns={[
          {
            header: 'Release',
            value: (r) => r.id,
            render: (r) => <Link className="text-brand-700 underline" href={`/releases/${r.id}`}>{`Release ${r.id}`}</Link>,
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
          { header: 'As of', value: (r) => r.asOf },
          { header: 'Proposed', value: (r) => `${r.amount} ${r.currency}`, render: (r) => displayMoney(r.amount, r.currency), align: 'right' },
          {
            header: 'Released',
            value: (r) => (r.approvedAmount && r.status === 'paid' ? `${r.approvedAmount} ${r.currency}` : ''),
            render: (r) => (r.approvedAmount && r.status === 'paid' ? displayMoney(r.approvedAmount, r.currency) : ''),
            align: 'right',
          },
          { header: 'Status', value: (r) => statusLabel(r.status) },
          { header: 'Mode', value: (r) => r.releaseMode },
        ]}
      />
      {canExport ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Payout file for the bank</h2>
          <form action="/releases/payouts" method="get" className="mt-2 flex flex-wrap items-end gap-3">
            <div>
              <label htmlFor="payout-from" className="text-sm font-medium">
                Paid from
              </label>
              <input
                id="payout-from"
                name="from"
                type="date"
                required
                defaultValue={addDays(today, -14)}
                className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
              />
            </div>
            <div>
              <label htmlFor="payout-to" className="text-sm font-medium">
                to
              </label>
              <input
                id="payout-to"
                name="to"
                type="date"
                required
                defaultValue={today}
                className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
              />
            </div>
            <div>
              <label htmlFor="payout-format" className="text-sm font-medium">
                Format
              </label>
              <select id="payout-format" name="format" defaultValue="csv" className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm">
                <option value="csv">CSV (every currency)</option>
                <option value="nacha">NACHA / ACH (USD, to the clients&apos; payout accounts)</option>
              </select>
            </div>
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm">
              Download payout file
            </button>
          </form>
        </section>
      ) : null}
    </div>
  );
}

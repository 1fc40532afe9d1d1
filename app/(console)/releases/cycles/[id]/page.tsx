import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { displayMoney } from '@/lib/money';
import { listReleases } from '@/lib/releases';
import { getCycle } from '@/lib/releases/views';

export const metadata: Metadata = { title: 'Release cycle' };
export const dynamic = 'force-dynamic';

export default async function CyclePage({ params }: { params: Promise<{ id: string }> }) {
  await requireSection('releases');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const db = getDatabase();
  const cycle = await getCycle(db, Number(id)).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  const releases = await listReleases(db, { cycleId: Number(id), limit: 5000 });
  const pct = cycle.clientsDue === 0 ? 100 : Math.round((cycle.clientsDone / cycle.clientsDue) * 100);
  return (
    <div>
      <PageHeader title={`Release cycle ${cycle.id}`} subtitle={`As of ${cycle.asOf} · ${cycle.kind.replace('_', ' ')} · run by ${cycle.createdBy} at ${cycle.createdAt}${cycle.finishedAt ? `, finished ${cycle.finishedAt}` : ''}`} />
      <div className="mt-6 grid gap-4 sm:grid-cols-4">
        <Stat label="Status" value={cycle.status} />
        <Stat label="Clients done" value={`${cycle.clientsDone} of ${cycle.clientsDue}`} hint={`${pct}%`} />
        <Stat label="Paid" value={String(cycle.totals.paid ?? releases.filter((r) => r.status === 'paid').length)} />
        <Stat label="Waiting for approval" value={String(cycle.totals.pending ?? releases.filter((r) => r.status === 'pending_approval').length)} />
      </div>
      <progress className="mt-4 w-full" max={100} value={pct} aria-label="Cycle progress">
        {pct}%
      </progress>
      <DataTable
        caption="Releases proposed by this cycle"
        csvName={`release-cycle-${cycle.id}.csv`}
        rowKey={(r) => r.id}
        rows={releases}
        empty="This cycle proposed nothing new (nothing due, or proposed earlier for the same date)."
        columns={[
          { header: 'Release', value: (r) => r.id, render: (r) => <Link className="text-brand-700 underline" href={`/releases/${r.id}`}>{`Release ${r.id}`}</Link> },
          { header: 'Client', value: (r) => r.clientName },
          { header: 'Proposed', value: (r) => `${r.amount} ${r.currency}`, render: (r) => displayMoney(r.amount, r.currency), align: 'right' },
          { header: 'Released', value: (r) => (r.status === 'paid' && r.approvedAmount ? `${r.approvedAmount} ${r.currency}` : ''), render: (r) => (r.status === 'paid' && r.approvedAmount ? displayMoney(r.approvedAmount, r.currency) : ''), align: 'right' },
          { header: 'Status', value: (r) => r.status.replace('_', ' ') },
          { header: 'Mode', value: (r) => r.releaseMode },
        ]}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listReleases } from '@/lib/releases';
import { ResumeCycleForm } from '../../forms';
import { DomainError } from '@/lib/errors';
import { displayMoney } from '@/lib/money';
import { isSamePerson } from '@/lib/approvals/maker-checker';
import { releaseMakers } from '@/lib/reports/makers';
import { POSTED_STATUSES, releaseStatusLabel } from '@/lib/releases/list';
import { getCycle } from '@/lib/releases/views';

export const metadata: Metadata = { title: 'Release cycle' };
export const dynamic = 'force-dynamic';

export default async function CyclePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('releases');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const db = getDatabase();
  const cycle = await getCycle(db, Number(id)).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  const releases = await listReleases(db, { cycleId: Number(id), limit: 5000 });
  // SPEC 1: whoever ran the cycle never approves what it proposed — say so where they look.
  const waiting = releases.filter((r) => r.status === 'pending_approval');
  const makers =
    can(actor, 'release.approve') && waiting.length > 0
      ? await releaseMakers(
          db,
          waiting.map((r) => r.id),
        )
      : new Map<string, { ranCycle: string | number | null }>();
  const ranIt = waiting.some((r) => isSamePerson(actor, makers.get(r.id)?.ranCycle));
  const pct = cycle.clientsDue === 0 ? 100 : Math.round((cycle.clientsDone / cycle.clientsDue) * 100);
  return (
    <div>
      <PageHeader
        title={`Release cycle ${cycle.id}`}
        subtitle={`As of ${cycle.asOf} · ${cycle.kind.replace('_', ' ')} · run by ${cycle.createdBy} at ${cycle.createdAt}${cycle.finishedAt ? `, finished ${cycle.finishedAt}` : ''}`}
      />
      <div className="mt-6 grid gap-4 sm:grid-cols-4">
        <Stat label="Status" value={cycle.status} />
        <Stat label="Clients done" value={`${cycle.clientsDone} of ${cycle.clientsDue}`} hint={`${pct}%`} />
        <Stat label="Approved" value={String(cycle.totals.approved ?? cycle.totals.paid ?? releases.filter((r) => POSTED_STATUSES.has(r.status)).length)} />
        <Stat label="Waiting for approval" value={String(cycle.totals.pending ?? releases.filter((r) => r.status === 'pending_approval').length)} />
      </div>
      {cycle.status === 'failed' ? (
        <div role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p>
            <strong>This cycle did not finish.</strong> {cycle.error ?? ''}
          </p>
          <p className="mt-1">
            Resuming it runs the same date and clients again: releases already proposed or approved stay as they are, the rest is proposed once.
          </p>
          {can(actor, 'release.run_cycle') ? <ResumeCycleForm cycleId={cycle.id} /> : null}
        </div>
      ) : null}
      {ranIt ? (
        <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          You ran this cycle, so another approver must approve the releases it left waiting for approval.
        </p>
      ) : null}
      {cycle.totals.waitingOnOpenProposal ? (
        <p className="mt-4 text-sm text-slate-700">
          {cycle.totals.waitingOnOpenProposal} client currenc{cycle.totals.waitingOnOpenProposal === 1 ? 'y was' : 'ies were'} left out: an earlier proposal of
          theirs still waits for approval (one open proposal per client and currency).
        </p>
      ) : null}
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
          {
            header: 'Release',
            value: (r) => r.id,
            render: (r) => <a className="text-brand-700 underline" href={`/releases/${r.id}`}>{`Release ${r.id}`}</a>,
          },
          { header: 'Client', value: (r) => r.clientName },
          { header: 'Proposed', value: (r) => `${r.amount} ${r.currency}`, render: (r) => displayMoney(r.amount, r.currency), align: 'right' },
          {
            header: 'Released',
            value: (r) => (POSTED_STATUSES.has(r.status) && r.approvedAmount ? `${r.approvedAmount} ${r.currency}` : ''),
            render: (r) => (POSTED_STATUSES.has(r.status) && r.approvedAmount ? displayMoney(r.approvedAmount, r.currency) : ''),
            align: 'right',
          },
          { header: 'Status', value: (r) => releaseStatusLabel(r.status) },
          { header: 'Mode', value: (r) => r.releaseMode },
        ]}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { DataTable } from '@/app/_components/data-table';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { Big, displayMoney } from '@/lib/money';
import { CLIENT_FEE_WORDS } from '@/lib/fees/client-fees';
import { getRelease, reserveReport } from '@/lib/releases';
import { releaseMakers, releaseRefusal, releaseRejectRefusal } from '@/lib/reports/makers';
import { POSTED_STATUSES, releaseStatusLabel } from '@/lib/releases/list';
import { releaseEntries } from '@/lib/releases/views';
import { ACCOUNT_LABELS } from '@/app/_components/format';
import { ReleaseDecision } from '../forms';

export const metadata: Metadata = { title: 'Release' };
export const dynamic = 'force-dynamic';

const SUMMARY_LABELS: Record<string, string> = {
  held: 'Reserve held',
  eligible: 'Eligible to release',
  feesDue: CLIENT_FEE_WORDS.due,
  clientDue: 'Owed by the client (chargebacks)',
  holdbacks: 'Held back',
  onOpenInvoices: 'Reserve on open invoices',
};

const KIND_LABELS: Record<string, string> = { eligible: 'Eligible', held: 'Held', offset: 'Offset', holdback: 'Holdback' };

export default async function ReleasePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('releases');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const db = getDatabase();
  const release = await getRelease(db, Number(id), actor).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  const c = release.currency;
  const pending = release.status === 'pending_approval';
  // While it waits, the figure as it stands now (collections since the proposal may change it).
  const live = pending ? (await reserveReport(db, Number(release.clientId), release.asOf, actor)).balances.find((b) => b.currency === c) : undefined;
  const lines = live?.breakdown ?? release.breakdown.lines ?? [];
  const canDecide = pending && can(actor, 'release.approve');
  // SPEC 1: whoever ran the cycle never approves its releases — they read why instead of Approve.
  const makers = canDecide ? (await releaseMakers(db, [release.id])).get(release.id) : undefined;
  const refusal = canDecide ? releaseRefusal(actor, makers) : null;
  // whoever ran the cycle may do neither; a first approver (or an approver where a controller must follow) may still reject
  const rejectRefusal = canDecide ? releaseRejectRefusal(actor, makers) : null;
  const posted = POSTED_STATUSES.has(release.status);
  const entries = posted ? await releaseEntries(db, release) : [];
  return (
    <div>
      <PageHeader
        title={`Release ${release.id}`}
        subtitle={
          <>
            <Link className="underline" href={`/clients/${release.clientId}`}>
              {release.clientName}
            </Link>{' '}
            · as of {release.asOf} · <Link className="underline" href={`/releases/cycles/${release.cycleId}`}>{`cycle ${release.cycleId}`}</Link> · release mode{' '}
            {release.releaseMode}
          </>
        }
      />
      <div className="mt-6 grid gap-4 sm:grid-cols-4">
        <Stat label="Status" value={releaseStatusLabel(release.status)} hint={release.batchId ? `payout batch ${release.batchId}` : undefined} />
        <Stat label="Proposed" value={displayMoney(release.amount, c)} />
        <Stat label="Released" value={posted && release.approvedAmount ? displayMoney(release.approvedAmount, c) : '—'} />
        <Stat
          label="Approvals"
          value={[release.firstApprovedBy, release.secondApprovedBy].filter(Boolean).join(', ') || (posted ? 'automatic (within policy)' : 'none yet')}
          hint={release.needsController ? 'Above the controller threshold: an approver and a controller' : undefined}
        />
      </div>
      {release.reason ? <p className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">Rejected: {release.reason}</p> : null}
      {canDecide && rejectRefusal ? (
        <section className="mt-6">
          <h2 className="mb-2 font-semibold">Decide</h2>
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">{rejectRefusal}</p>
        </section>
      ) : null}
      {canDecide && !rejectRefusal ? (
        <section className="mt-6">
          <h2 className="mb-2 font-semibold">Decide</h2>
          <ReleaseDecision
            releaseId={release.id}
            amount={live && new Big(live.releasable).lt(release.amount) ? live.releasable : release.amount}
            currency={c}
            approveBlocked={refusal}
          />
        </section>
      ) : null}
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">How the amount was reached</h2>
        <dl className="mt-3 grid gap-2 text-sm sm:grid-cols-3">
          {Object.entries(
            live
              ? {
                  held: live.held,
                  eligible: live.eligible,
                  feesDue: live.feesDue,
                  clientDue: live.clientDue,
                  holdbacks: live.holdbacks,
                  onOpenInvoices: live.onOpenInvoices,
                }
              : (release.breakdown.summary ?? {}),
          ).map(([k, v]) => (
            <div key={k}>
              <dt className="text-slate-500">{SUMMARY_LABELS[k] ?? k}</dt>
              <dd className="num font-medium">{displayMoney(v, c)}</dd>
            </div>
          ))}
        </dl>
        {live ? <p className="mt-2 text-sm text-slate-600">Releasable now: {displayMoney(live.releasable, c)}</p> : null}
      </section>
      <DataTable
        caption="Invoices, tranches, offsets and holdbacks behind the amount"
        csvName={`release-${release.id}-breakdown.csv`}
        rowKey={(l) => `${l.kind}-${l.sourceId ?? ''}-${l.label}`}
        rows={lines}
        empty="No breakdown recorded."
        columns={[
          { header: 'Kind', value: (l) => KIND_LABELS[l.kind] ?? l.kind },
          { header: 'What and why', value: (l) => l.label },
          { header: 'Amount', value: (l) => l.amount, render: (l) => displayMoney(l.amount, c), align: 'right' },
        ]}
      />
      {posted ? (
        <DataTable
          caption="Ledger entries posted"
          csvName={`release-${release.id}-entries.csv`}
          rowKey={(l) => `${l.entryId}-${l.account}-${l.invoiceNumber ?? ''}-${l.amount}`}
          rows={entries}
          empty="No entries found."
          columns={[
            { header: 'Entry', value: (l) => l.entryId },
            { header: 'Kind', value: (l) => l.kind },
            { header: 'Account', value: (l) => ACCOUNT_LABELS[l.account] ?? l.account },
            { header: 'Invoice', value: (l) => l.invoiceNumber ?? '' },
            {
              header: 'Debit',
              value: (l) => (l.amount.startsWith('-') ? '' : l.amount),
              render: (l) => (l.amount.startsWith('-') ? '' : displayMoney(l.amount, c)),
              align: 'right',
            },
            {
              header: 'Credit',
              value: (l) => (l.amount.startsWith('-') ? l.amount.slice(1) : ''),
              render: (l) => (l.amount.startsWith('-') ? displayMoney(l.amount.slice(1), c) : ''),
              align: 'right',
            },
          ]}
        />
      ) : null}
    </div>
  );
}

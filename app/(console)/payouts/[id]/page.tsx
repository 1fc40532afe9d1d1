import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { todayIn } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { displayMoney } from '@/lib/money';
import { getBatch } from '@/lib/payouts';
import { BATCH_STATUS_LABELS, fileFormatsFor } from '@/lib/payouts/labels';
import { ACH_RETURN_CODES } from '@/lib/releases/ach-returns';
import { releaseStatusLabel } from '@/lib/releases/list';
import { SEPA_REJECT_CODES } from '@/lib/releases/sepa-rejects';
import { BatchStepForm, GenerateFileForm, ReturnReleaseForm } from '../forms';

export const metadata: Metadata = { title: 'Payout batch' };
export const dynamic = 'force-dynamic';

const STEPS = [
  ['open', 'Created'],
  ['generated', 'File generated'],
  ['sent', 'Sent to the bank'],
  ['settled', 'Settled'],
] as const;

/** Issue 14: one payout batch — its file, its steps (sent, settled) and its releases, each of which may come back. */
export default async function PayoutBatchPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('releases');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const db = getDatabase();
  const batch = await getBatch(db, Number(id), actor).catch((error: unknown) => {
    if (error instanceof DomainError && (error.status === 404 || error.status === 403)) notFound();
    throw error;
  });
  const c = batch.currency;
  const today = todayIn();
  const canBatch = can(actor, 'payout.batch');
  const canReturn = can(actor, 'payout.return');
  const live = batch.releases.filter((r) => r.status === 'live');
  const ach = batch.format === 'nacha' || (batch.format !== 'pain001' && c === 'USD');
  const codes = (ach ? ACH_RETURN_CODES : SEPA_REJECT_CODES).map((r) => [r.code, `${r.code} — ${r.title}`] as const);
  const reached = STEPS.findIndex(([s]) => s === batch.status);
  return (
    <div>
      <PageHeader
        title={`Payout batch ${batch.id}`}
        subtitle={`${c}, value date ${batch.valueDate} — created by ${batch.createdBy}`}
        actions={
          <Link href="/payouts" className="text-sm text-brand-700 underline">
            ← Payouts
          </Link>
        }
      />
      <div className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Status" value={BATCH_STATUS_LABELS[batch.status]} />
        <Stat label="Total" value={displayMoney(batch.total, c)} />
        <Stat
          label="Releases"
          value={String(live.length)}
          hint={batch.releases.length > live.length ? `${batch.releases.length - live.length} returned` : undefined}
        />
        <Stat label="Value date" value={batch.valueDate} />
      </div>
      <ol aria-label="Steps" className="mt-4 flex flex-wrap gap-2 text-sm">
        {STEPS.map(([s, label], n) => (
          <li
            key={s}
            aria-current={s === batch.status ? 'step' : undefined}
            className={`rounded-full px-3 py-1 ${n <= reached ? 'bg-brand-700 text-white' : 'bg-slate-100 text-slate-600'}`}
          >
            {label}
            {s === 'sent' && batch.sentDate ? ` ${batch.sentDate}` : ''}
            {s === 'settled' && batch.settledDate ? ` ${batch.settledDate}` : ''}
          </li>
        ))}
      </ol>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Bank file</h2>
        {batch.fileName ? (
          <p className="mt-2 text-sm">
            <a
              className="font-medium text-brand-700 underline"
              href={`/api/v1/payout-batches/${batch.id}/file?format=${batch.format}`}
              download={batch.fileName}
            >
              Download {batch.fileName}
            </a>{' '}
            <span className="text-slate-600">
              (generated {batch.generatedAt?.slice(0, 10)}; SHA-256 <code className="wrap-anywhere">{batch.sha256}</code> — every download gives these bytes)
            </span>
          </p>
        ) : canBatch ? (
          <>
            <p className="mb-3 mt-1 text-sm text-slate-600">
              Generating the file freezes the batch: nothing joins or leaves it, and the bank is sent exactly this file.
            </p>
            <GenerateFileForm batchId={batch.id} formats={fileFormatsFor(c)} />
          </>
        ) : (
          <p className="mt-2 text-sm text-slate-600">No file yet: a controller or an admin generates it.</p>
        )}
      </section>
      {canBatch && (batch.status === 'generated' || batch.status === 'sent') ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 font-semibold">{batch.status === 'generated' ? 'Sent to the bank?' : 'Confirmed by the bank?'}</h2>
          <p className="mb-3 text-sm text-slate-600">
            {batch.status === 'generated'
              ? 'Marking it sent moves each rebate from client payable to cash in transit.'
              : 'Settling moves the batch from cash in transit to cash; importing the bank statement that shows it settles it too.'}
          </p>
          <BatchStepForm key={batch.status} batchId={batch.id} step={batch.status === 'generated' ? 'sent' : 'settled'} today={today} />
        </section>
      ) : null}
      <DataTable
        caption="Releases in this batch"
        csvName={`payout-batch-${batch.id}.csv`}
        rowKey={(r) => r.itemId}
        rows={batch.releases}
        empty="No release."
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
              <a className="underline" href={`/clients/${r.clientId}`}>
                {r.clientName}
              </a>
            ),
          },
          { header: 'Amount', value: (r) => `${r.amount} ${c}`, render: (r) => displayMoney(r.amount, c), align: 'right' },
          { header: 'Status', value: (r) => (r.status === 'returned' ? `returned (${r.returnCode})` : releaseStatusLabel(r.releaseStatus)) },
          { header: 'Reference', value: (r) => r.reference },
          { header: 'Trace number', value: (r) => r.traceNumber ?? '' },
          { header: 'Return', value: (r) => (r.returnCode ? `${r.returnDate} ${r.returnCode}: ${r.returnReason ?? ''}` : '') },
          ...(canReturn && (batch.status === 'sent' || batch.status === 'settled')
            ? [
                {
                  header: 'Came back?',
                  value: () => '',
                  render: (r: (typeof batch.releases)[number]) =>
                    r.status === 'live' ? <ReturnReleaseForm releaseId={r.id} batchId={batch.id} today={today} codes={codes} /> : null,
                },
              ]
            : []),
        ]}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DecisionForm } from '@/app/(console)/approvals/decision-form';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { getFundingBatch } from '@/lib/funding';
import { openFlagBadges } from '@/lib/intake/flags';
import { displayMoney } from '@/lib/money';
import { fundingBatchRefusal, requestMakers } from '@/lib/reports/makers';
import { DocumentsSection } from '@/app/_components/documents/documents-section';

export const metadata: Metadata = { title: 'Funding batch' };
export const dynamic = 'force-dynamic';

export default async function FundingBatchPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('fundings');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const batch = await getFundingBatch(getDatabase(), Number(id), actor).catch((e) => {
    if (e instanceof DomainError && e.status === 404) notFound();
    throw e;
  });
  const c = batch.currency;
  // Issue 16 item 5: the batch's invoices' open intake flags, one query for the whole batch
  const flags = await openFlagBadges(
    getDatabase(),
    batch.invoices.map((i) => Number(i.invoiceId)),
  );
  const canDecide = batch.status === 'pending_approval' && can(actor, 'funding.approve');
  // SPEC 1: whoever built the batch never approves it — they read why instead of an Approve button.
  const refusal = canDecide ? fundingBatchRefusal(actor, (await requestMakers(getDatabase(), 'funding_batch', [batch.id!])).get(batch.id!)) : null;
  return (
    <div>
      <PageHeader
        title={`Funding batch ${batch.id}`}
        subtitle={
          <>
            {batch.status.replace('_', ' ')} · funding date {batch.fundingDate} ·{' '}
            <Link className="underline" href={`/clients/${batch.clientId}`}>
              client
            </Link>
          </>
        }
      />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Face value" value={displayMoney(batch.totalFace, c)} />
        <Stat label="Advance" value={displayMoney(batch.totalAdvance, c)} />
        <Stat label="Reserve" value={displayMoney(batch.totalReserve, c)} />
        <Stat label="Fees" value={displayMoney(batch.totalFees, c)} />
      </div>
      {batch.holds.length > 0 ? (
        <section className="mt-6 rounded-lg border border-amber-200 bg-amber-50 p-4" aria-label="Holds">
          <h2 className="font-semibold text-amber-900">Holds</h2>
          <ul className="mt-2 list-disc pl-5 text-sm text-amber-900">
            {batch.holds.map((h) => (
              <li key={h.message}>{h.message}</li>
            ))}
          </ul>
          {canDecide && refusal ? <p className="mt-3 text-sm text-amber-900">{refusal}</p> : null}
          {canDecide && !refusal ? (
            <div className="mt-3">
              <DecisionForm kind="funding_batch" targetId={batch.id!} label={`Funding batch ${batch.id}`} />
            </div>
          ) : null}
        </section>
      ) : null}
      {batch.reason ? <p className="mt-4 text-sm">Rejected: {batch.reason}</p> : null}
      <DataTable
        caption="Invoices in the batch"
        csvName={`funding-batch-${batch.id}.csv`}
        rowKey={(i) => i.invoiceId}
        rows={batch.invoices}
        columns={[
          {
            header: 'Invoice',
            value: (i) => i.number,
            render: (i) => (
              <Link className="text-brand-700 underline" href={`/invoices/${i.invoiceId}`}>
                {i.number}
              </Link>
            ),
          },
          { header: 'Face', value: (i) => i.face, render: (i) => displayMoney(i.face, c), align: 'right' },
          { header: 'Advance', value: (i) => i.advance, render: (i) => displayMoney(i.advance, c), align: 'right' },
          { header: 'Reserve', value: (i) => i.reserve, render: (i) => displayMoney(i.reserve, c), align: 'right' },
          { header: 'Fees', value: (i) => i.fees, render: (i) => displayMoney(i.fees, c), align: 'right' },
          {
            header: 'Intake flags',
            value: (i) => (flags[i.invoiceId] ?? []).map((b) => b.text).join('; '),
            render: (i) =>
              (flags[i.invoiceId] ?? []).length === 0 ? (
                <span className="text-slate-500">none</span>
              ) : (
                <ul className="space-y-0.5">
                  {flags[i.invoiceId]!.map((b) => (
                    <li key={b.kind} className={b.holding ? 'font-medium text-amber-800' : 'text-slate-700'}>
                      {b.text}
                    </li>
                  ))}
                </ul>
              ),
          },
        ]}
      />
      <DocumentsSection subjectType="schedule" subjectId={batch.id!} actor={actor} />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { DocumentsSection } from '@/app/_components/documents/documents-section';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { getFundingBatch } from '@/lib/funding';
import { FUNDING_STATUS_LABELS } from '@/lib/funding/list';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Schedule' };
export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 2: one of the client's schedules (a funding batch) in the portal — its invoices
 * and totals, and its documents, where the client uploads the signed schedule and proofs of
 * delivery. Another client's schedule is "not found", as an unknown one (getFundingBatch).
 */
export default async function PortalSchedulePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('portal');
  const { id } = await params;
  if (!/^[1-9]\d{0,15}$/.test(id)) notFound();
  const batch = await getFundingBatch(getDatabase(), Number(id), actor).catch((e) => {
    if (e instanceof DomainError && e.status === 404) notFound();
    throw e;
  });
  const c = batch.currency;
  return (
    <div>
      <p className="text-sm">
        <Link className="text-brand-700 underline" href="/portal/schedules">
          ← Your schedules
        </Link>
      </p>
      <PageHeader
        title={`Schedule ${batch.id}`}
        subtitle={`${FUNDING_STATUS_LABELS[batch.status as keyof typeof FUNDING_STATUS_LABELS] ?? batch.status} · funding date ${batch.fundingDate}`}
      />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Face value" value={displayMoney(batch.totalFace, c)} />
        <Stat label="Advance" value={displayMoney(batch.totalAdvance, c)} />
        <Stat label="Reserve" value={displayMoney(batch.totalReserve, c)} />
        <Stat label="Fees" value={displayMoney(batch.totalFees, c)} />
      </div>
      <DataTable
        caption="Invoices in the schedule"
        csvName={`schedule-${batch.id}.csv`}
        rowKey={(i) => i.invoiceId}
        rows={batch.invoices}
        columns={[
          { header: 'Invoice', value: (i) => i.number },
          { header: 'Face', value: (i) => i.face, render: (i) => displayMoney(i.face, c), align: 'right' },
          { header: 'Advance', value: (i) => i.advance, render: (i) => displayMoney(i.advance, c), align: 'right' },
          { header: 'Reserve', value: (i) => i.reserve, render: (i) => displayMoney(i.reserve, c), align: 'right' },
        ]}
      />
      <DocumentsSection subjectType="schedule" subjectId={batch.id!} actor={actor} />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { Big, displayMoney } from '@/lib/money';
import { rebateAdvice } from '@/lib/portal';
import { ADVICE_WORDS as W, adviceFilename, type AdviceLine } from '@/lib/portal/advice';
import { DownloadLink } from '../../download-link';

export const metadata: Metadata = { title: 'Rebate advice' };
export const dynamic = 'force-dynamic';

/**
 * A paid release's rebate advice: the invoices behind the amount, what was taken out before
 * payment, what was held back and the totals down to the amount paid (the figures and words of
 * its PDF, lib/portal/advice.ts), the PDF, and the email as it was sent. The client's own
 * releases only (others: 404).
 */
export default async function RebateAdvicePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('portal');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const advice = await rebateAdvice(getDatabase(), actor.clientId!, Number(id), actor).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  const d = advice.detail;
  const c = d.currency;
  const lines = (caption: string, rows: AdviceLine[], csvName: string, empty: string) => (
    <DataTable
      caption={caption}
      csvName={csvName}
      rowKey={(r) => r.label}
      rows={rows}
      empty={empty}
      columns={[
        { header: 'What', value: (r) => r.label },
        { header: `Amount ${c}`, value: (r) => r.amount, render: (r) => displayMoney(r.amount, c), align: 'right' },
      ]}
    />
  );
  return (
    <div>
      <PageHeader
        title={advice.subject}
        subtitle={`${W.title}, release ${d.releaseId} of ${d.date} for ${d.client.name}: sent to ${advice.sentTo.join(', ')} on ${advice.queuedAt}`}
        actions={
          <div className="flex flex-wrap items-center gap-4 text-sm">
            <DownloadLink href={advice.downloadUrl} filename={adviceFilename(d.releaseId)}>
              Download advice (PDF)
            </DownloadLink>
            <Link className="underline" href="/portal">
              Back to your reserves
            </Link>
          </div>
        }
      />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label={W.releasedTotal} value={displayMoney(d.releasedTotal, c)} />
        <Stat label={W.offsetsTotal} value={displayMoney(d.offsetsTotal, c)} />
        <Stat label={d.amountLabel} value={displayMoney(d.amountPaid, c)} />
        <Stat label="Currency" value={c} />
      </div>
      <DataTable
        caption={W.sources}
        csvName={`rebate-advice-${d.releaseId}-invoices.csv`}
        rowKey={(i) => i.invoiceId}
        rows={d.invoices}
        empty="No invoice: this release drew on reserve not tied to an invoice (below)."
        columns={[
          { header: W.invoice, value: (i) => i.number },
          { header: W.debtor, value: (i) => i.debtor },
          { header: `${W.faceValue} ${c}`, value: (i) => i.faceValue, render: (i) => displayMoney(i.faceValue, c), align: 'right' },
          { header: `${W.collected} ${c}`, value: (i) => i.collected, render: (i) => displayMoney(i.collected, c), align: 'right' },
          { header: `${W.fees} ${c}`, value: (i) => i.fees, render: (i) => displayMoney(i.fees, c), align: 'right' },
          { header: `${W.released} ${c}`, value: (i) => i.released, render: (i) => displayMoney(i.released, c), align: 'right' },
        ]}
      />
      {d.otherSources.length > 0 ? lines(W.otherSources, d.otherSources, `rebate-advice-${d.releaseId}-other.csv`, '') : null}
      {lines(W.offsets, d.offsets, `rebate-advice-${d.releaseId}-offsets.csv`, W.noOffsets)}
      <section aria-label={d.amountLabel} className="mt-6 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <dl className="grid max-w-md grid-cols-[1fr_auto] gap-x-6 gap-y-1">
          <dt>{W.releasedTotal}</dt>
          <dd className="num text-right">{displayMoney(d.releasedTotal, c)}</dd>
          <dt>{W.offsetsTotal}</dt>
          <dd className="num text-right">{displayMoney(new Big(d.offsetsTotal).times(-1), c)}</dd>
          <dt className="font-semibold">{d.amountLabel}</dt>
          <dd className="num text-right font-semibold">{displayMoney(d.amountPaid, c)}</dd>
        </dl>
        <p className="mt-3 text-slate-600">
          {W.feesNote} {W.collectedNote(d.date)}
        </p>
      </section>
      {lines(W.holdbacks, d.holdbacks, `rebate-advice-${d.releaseId}-held-back.csv`, W.noHoldbacks)}
      <details className="mt-6 text-sm">
        <summary>The email as sent: {advice.subject}</summary>
        <iframe
          title={`Rebate advice ${advice.releaseId}`}
          sandbox=""
          srcDoc={advice.html}
          className="mt-2 h-[32rem] w-full rounded-lg border border-slate-200 bg-white"
        />
        <pre className="mt-2 whitespace-pre-wrap rounded bg-slate-50 p-3">{advice.text}</pre>
      </details>
    </div>
  );
}

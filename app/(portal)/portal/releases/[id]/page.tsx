import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { rebateAdvice } from '@/lib/portal';

export const metadata: Metadata = { title: 'Rebate advice' };
export const dynamic = 'force-dynamic';

/** A paid release's rebate advice, as emailed: the client's own releases only (others: 404). */
export default async function RebateAdvicePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('portal');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const advice = await rebateAdvice(getDatabase(), actor.clientId!, Number(id), actor).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 404) notFound();
    throw error;
  });
  return (
    <div>
      <PageHeader
        title={advice.subject}
        subtitle={`Sent to ${advice.sentTo.join(', ')} on ${advice.queuedAt}`}
        actions={
          <Link className="text-sm underline" href="/portal">
            Back to your reserves
          </Link>
        }
      />
      <iframe
        title={`Rebate advice ${advice.releaseId}`}
        sandbox=""
        srcDoc={advice.html}
        className="mt-6 h-[32rem] w-full rounded-lg border border-slate-200 bg-white"
      />
      <details className="mt-4 text-sm">
        <summary>Plain text</summary>
        <pre className="mt-2 whitespace-pre-wrap rounded bg-slate-50 p-3">{advice.text}</pre>
      </details>
    </div>
  );
}

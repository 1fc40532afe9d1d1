import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { riskScoring } from '@/lib/risk/settings';
import { RiskScoringForm } from './forms';

export const metadata: Metadata = { title: 'Risk scoring' };
export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 1: Settings → Risk scoring — the nightly risk score's window, weights and
 * ceilings, and whether a change of band applies without an approver. The bands themselves are
 * the release policy's risk schedule (Settings → Release policy). Admins edit; others read.
 */
export default async function RiskScoringPage() {
  const actor = await requireSection('settings');
  const canEdit = can(actor, 'settings.edit');
  const current = await riskScoring(getDatabase());
  return (
    <div>
      <PageHeader
        title="Risk scoring"
        subtitle={canEdit ? 'How each client’s risk score is measured' : 'Read only: an admin changes these'}
        actions={
          <Link href="/settings" className="text-sm text-brand-700 underline">
            Back to settings
          </Link>
        }
      />
      <section aria-labelledby="risk-scoring-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="risk-scoring-heading" className="font-semibold">
          Formula
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Each part is a risk from 0 to 100: the measured value as a share of its ceiling. The score is 100 less the weighted parts (the weights add up to
          100%); its band is the release policy&apos;s risk tier that holds it. A change of band proposes the tier&apos;s reserve rate and holding period as a
          new agreement version.
        </p>
        <div className="mt-3">
          <RiskScoringForm current={current} canEdit={canEdit} />
        </div>
      </section>
    </div>
  );
}

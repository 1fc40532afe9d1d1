import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { FLAG_LABELS } from '@/lib/intake/rules';
import { holdingFlags } from '@/lib/intake/settings';
import { HoldingFlagsForm } from './forms';

export const metadata: Metadata = { title: 'Intake flags' };
export const dynamic = 'force-dynamic';

/**
 * Issue 16 item 5: Settings → Intake flags — which flag kinds hold an invoice's funding until
 * someone clears them (the `intake.holding_flags` setting). Every kind is raised and shown on
 * the invoice and in the funding builder either way. Admins edit; others read.
 */
export default async function IntakeFlagsPage() {
  const actor = await requireSection('settings');
  const canEdit = can(actor, 'settings.edit');
  const current = await holdingFlags(getDatabase());
  return (
    <div>
      <PageHeader
        title="Intake flags"
        subtitle={canEdit ? 'Which flags stop an invoice from being funded until someone clears them' : 'Read only: an admin changes these'}
        actions={
          <Link href="/settings" className="text-sm text-brand-700 underline">
            Back to settings
          </Link>
        }
      />
      <section aria-labelledby="intake-flags-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="intake-flags-heading" className="font-semibold">
          Flags that hold funding
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Holdback raises every flag below when an invoice is entered, imported or funded, and shows it on the invoice and in the funding builder. A checked
          flag also holds the invoice: it cannot be funded until an underwriter or approver clears the flag with a reason on the invoice page. An unchecked flag
          is shown only.
        </p>
        <p className="mt-2 text-sm" role="note">
          Now holding: {current.kinds.length === 0 ? 'none' : current.kinds.map((k) => FLAG_LABELS[k].toLowerCase()).join('; ')}
          {current.saved ? '' : ' (the default)'}.
        </p>
        <div className="mt-3">
          <HoldingFlagsForm current={current.kinds} canEdit={canEdit} />
        </div>
      </section>
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden, redirect } from 'next/navigation';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can, canOpen } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { batchAfterCycleOn } from '@/lib/payouts/after-cycle';
import { payoutBankSettings } from '@/lib/payouts/originator';
import { AchOriginatorForm, BatchAfterCycleForm, SepaDebtorForm } from './forms';

export const metadata: Metadata = { title: 'Payout bank' };
export const dynamic = 'force-dynamic';

/**
 * Issue 14: Settings → Payout bank — the factor's own bank as the payout files name it. Admins
 * edit it; controllers and auditors read it (masked). Linked from Settings and from Releases.
 */
export default async function PayoutBankPage() {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!can(actor, 'payout_bank.read')) forbidden();
  const canEdit = can(actor, 'settings.edit');
  const db = getDatabase();
  const [bank, batchAfterCycle] = await Promise.all([payoutBankSettings(db, actor), batchAfterCycleOn(db)]);
  return (
    <div>
      <PageHeader
        title="Payout bank"
        subtitle={canEdit ? "The factor's own bank, as the payout files name it" : 'Read only: an admin changes these'}
        actions={
          <Link href={canOpen(actor, 'settings') ? '/settings' : '/releases'} className="text-sm text-brand-700 underline">
            {canOpen(actor, 'settings') ? 'Back to settings' : 'Back to releases'}
          </Link>
        }
      />
      <section aria-labelledby="ach-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="ach-heading" className="font-semibold">
          ACH originator (US dollar payouts, NACHA file)
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {bank.ach
            ? bank.ach.source === 'environment'
              ? 'Taken from the environment (NACHA_ORIGIN_ROUTING and the rest) until it is saved here; saved here, this wins.'
              : `In use: ${bank.ach.companyName}, company ID ${bank.ach.companyId}, routing number ${bank.ach.originRouting}.`
            : 'Not filled in: NACHA payout files cannot be made until it is.'}
        </p>
        <div className="mt-3">
          <AchOriginatorForm current={bank.ach} canEdit={canEdit} />
        </div>
      </section>
      <section aria-labelledby="sepa-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="sepa-heading" className="font-semibold">
          SEPA account (euro payouts, pain.001 file)
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {bank.sepa
            ? `In use: ${bank.sepa.name}, ${bank.sepa.iban}, BIC ${bank.sepa.bic}.`
            : 'Not filled in: pain.001 payout files cannot be made until it is.'}
        </p>
        <div className="mt-3">
          <SepaDebtorForm current={bank.sepa} canEdit={canEdit} />
        </div>
      </section>
      <section aria-labelledby="batch-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="batch-heading" className="font-semibold">
          Payout batches
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          A controller or an admin creates each payout batch on Payouts. Set to the job, the release-cycle job also creates, after each cycle, the batch of the
          cycle&apos;s date for each currency with approved releases waiting; generating its file and sending it stay a person&apos;s steps.
        </p>
        <div className="mt-3">
          <BatchAfterCycleForm on={batchAfterCycle} canEdit={canEdit} />
        </div>
      </section>
    </div>
  );
}

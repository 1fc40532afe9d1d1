import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { DEFAULT_REMINDER_STEPS, REMINDER_CATCH_UP_DAYS, formatSteps } from '@/lib/debtor-statements/labels';
import { debtorStatementSettings } from '@/lib/debtor-statements/settings';
import { ReminderStepsForm, RemittanceForm } from './forms';

export const metadata: Metadata = { title: 'Debtor statements' };
export const dynamic = 'force-dynamic';

/**
 * Issue 15, item 4: Settings → Debtor statements — the reminder steps of the daily
 * `debtor-reminders` job and the remittance instructions every statement and reminder prints.
 * Admins edit them; auditors read them.
 */
export default async function DebtorStatementSettingsPage() {
  const actor = await requireSection('settings');
  const canEdit = can(actor, 'settings.edit');
  const settings = await debtorStatementSettings(getDatabase());
  return (
    <div>
      <PageHeader
        title="Debtor statements"
        subtitle={canEdit ? 'Reminder steps and where debtors pay' : 'Read only: an admin changes these'}
        actions={
          <Link href="/settings" className="text-sm text-brand-700 underline">
            Back to settings
          </Link>
        }
      />
      <section aria-labelledby="steps-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="steps-heading" className="font-semibold">
          Reminder steps
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Each morning the reminder job emails each debtor&apos;s AP contact the invoices reaching a step that day, one email per step, with the statement PDF;
          each invoice and step is sent once. A day missed is caught up within {REMINDER_CATCH_UP_DAYS} days (the latest step only). Disputed invoices and
          confidential (invoice discounting) ones are never reminded.{' '}
          {settings.stepsSource === 'default' ? `In use: the default, ${formatSteps(DEFAULT_REMINDER_STEPS)}.` : ''}
        </p>
        <div className="mt-3">
          <ReminderStepsForm steps={formatSteps(settings.reminderSteps)} canEdit={canEdit} />
        </div>
      </section>
      <section aria-labelledby="remittance-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="remittance-heading" className="font-semibold">
          Remittance instructions
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Where debtors pay, as the notice of assignment told them: printed on every statement and reminder.{' '}
          {settings.remittanceSource === 'payout_bank'
            ? 'Until they are saved here, the SEPA account of Settings → Payout bank is used.'
            : settings.remittanceSource === null
              ? 'Not filled in: no statement can be made or sent until they are.'
              : ''}{' '}
          Every change is in the audit log with what it was before.
        </p>
        <div className="mt-3">
          <RemittanceForm current={settings.remittanceSource === 'settings' ? settings.remittance : null} canEdit={canEdit} />
        </div>
      </section>
    </div>
  );
}

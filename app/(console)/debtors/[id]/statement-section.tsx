import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { can, canOpen } from '@/lib/auth/permissions';
import { readApContact } from '@/lib/debtor-statements/contact';
import { DEBTOR_STATEMENTS_PLACE, formatSteps } from '@/lib/debtor-statements/labels';
import { statementSendsForDebtor } from '@/lib/debtor-statements/log';
import { remittanceRows } from '@/lib/debtor-statements/model';
import { debtorStatementSettings } from '@/lib/debtor-statements/settings';
import { ApContactForm, SendStatementForm } from './statement-forms';

/**
 * Issue 15, item 4, on the debtor page: the debtor's AP contact, its statement of open invoices
 * ("Statement (PDF)", "Email statement" with a confirm step), the reminder steps and where the
 * statement tells it to pay, and what it was sent lately.
 */
export async function DebtorStatementSection({ actor, debtor }: { actor: Actor; debtor: { id: string; name: string; mergedIntoId: string | null } }) {
  const db = getDatabase();
  const [{ apEmail, apName }, settings, sends] = await Promise.all([
    readApContact(db, Number(debtor.id)),
    debtorStatementSettings(db),
    statementSendsForDebtor(db.sql, Number(debtor.id), actor),
  ]);
  const active = !debtor.mergedIntoId;
  const settingsLink = canOpen(actor, 'settings') ? (
    <Link href="/settings/debtor-statements" className="text-brand-700 underline">
      {DEBTOR_STATEMENTS_PLACE}
    </Link>
  ) : (
    DEBTOR_STATEMENTS_PLACE
  );
  return (
    <section aria-labelledby="statements-heading" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="statements-heading" className="font-semibold">
        Statements and reminders
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {apEmail ? (
          <>
            Sent to the AP contact: {apName ? `${apName}, ` : ''}
            <span className="font-medium text-slate-900">{apEmail}</span>.
          </>
        ) : (
          'No AP contact: no statement or reminder can be emailed to this debtor until one is added.'
        )}{' '}
        {settings.reminderSteps.length > 0
          ? `Reminders go out at ${formatSteps(settings.reminderSteps)} days from each invoice's due date (each invoice and step once).`
          : 'Reminders are switched off.'}
      </p>
      <p className="mt-1 text-sm text-slate-600">
        {settings.remittance ? (
          <>
            The statement tells the debtor to pay{' '}
            {remittanceRows(settings.remittance)
              .filter(([label]) => label === 'Pay to' || label === 'Account number' || label === 'IBAN')
              .map(([, value]) => value)
              .join(', ')}{' '}
            ({settingsLink}).
          </>
        ) : (
          <span className="text-amber-800">Where debtors pay is not filled in yet ({settingsLink}): statements cannot be made until it is.</span>
        )}
      </p>
      <div className="mt-3 flex flex-wrap items-start gap-3">
        {settings.remittance ? (
          <a href={`/api/v1/debtors/${debtor.id}/statement.pdf`} className="rounded-md border border-slate-300 px-3 py-2 text-sm text-brand-700 underline">
            Statement (PDF)
          </a>
        ) : null}
        {settings.remittance && active && apEmail && can(actor, 'debtor.statement_send') ? (
          <SendStatementForm debtorId={debtor.id} debtorName={debtor.name} />
        ) : null}
      </div>
      {active && can(actor, 'debtor.contact') ? (
        <div className="mt-4">
          <ApContactForm debtorId={debtor.id} apEmail={apEmail} apName={apName} />
        </div>
      ) : null}
      <DataTable
        caption="Statements and reminders sent"
        csvName={`debtor-${debtor.id}-statements.csv`}
        rowKey={(s) => s.sendId}
        rows={sends}
        empty="Nothing sent to this debtor yet."
        columns={[
          { header: 'Sent (UTC)', value: (s) => s.at },
          { header: 'What', value: (s) => s.what },
          { header: 'As of', value: (s) => s.asOf },
          { header: 'To', value: (s) => s.to },
          { header: 'Invoices', value: (s) => s.invoices.toLocaleString('en-US'), align: 'right' },
          { header: 'Email', value: (s) => s.email ?? '' },
          { header: 'By', value: (s) => s.by },
        ]}
      />
    </section>
  );
}

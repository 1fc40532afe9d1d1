import { eq } from 'drizzle-orm';
import { DataTable } from '@/app/_components/data-table';
import { getDatabase } from '@/db/client';
import { clients } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import type { agreementOn } from '@/lib/clients';
import type { InvoiceView } from '@/lib/invoices';
import { displayMoney } from '@/lib/money';
import { listVerifications } from '@/lib/verifications';
import { METHOD_LABELS, OUTCOME_SHORT } from '@/lib/verifications/labels';
import { verificationRequired } from '@/lib/verifications/rule';
import { VerificationForm } from './verification-form';

/** Invoices closed for good take no new verification. */
const CLOSED = ['settled', 'charged_back', 'written_off'];

/**
 * Issue 15: the invoice page's Verification section — what the agreement asks (its threshold),
 * the form that records a verification (the funding role), and the history, newest first.
 */
export async function InvoiceVerification({
  invoice,
  actor,
  agreement,
}: {
  invoice: InvoiceView;
  actor: Actor;
  /** the agreement in force on the invoice's funding date (or today), as the page read it */
  agreement: Awaited<ReturnType<typeof agreementOn>>;
}) {
  const db = getDatabase();
  const [records, [client]] = await Promise.all([
    listVerifications(db, Number(invoice.id)),
    db.db
      .select({ name: clients.name, currency: clients.currency })
      .from(clients)
      .where(eq(clients.id, Number(invoice.clientId))),
  ]);
  const threshold = agreement?.verificationThreshold;
  const rule = { threshold, currency: client?.currency ?? invoice.currency };
  const asked = verificationRequired({ faceValue: invoice.faceValue, currency: invoice.currency }, rule);
  const latest = records[0];
  const canRecord = can(actor, 'invoice.verify') && !CLOSED.includes(invoice.status);
  return (
    <>
      <section aria-label="Verification" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Verification</h2>
        <p className="mt-1 text-sm text-slate-700">
          {latest
            ? `Latest: ${OUTCOME_SHORT[latest.outcome].toLowerCase()} (${METHOD_LABELS[latest.method].toLowerCase()}${latest.contact ? ` with ${latest.contact}` : ''}), ${latest.recordedAt.slice(0, 10)}.`
            : 'No verification recorded yet.'}{' '}
          {threshold === undefined
            ? ''
            : asked
              ? `${client?.name ?? 'The client'}'s agreement asks for a positive verification before funding invoices above ${displayMoney(threshold, rule.currency)}: this one needs it${latest?.positive ? ', and has it' : ''}.`
              : `Below ${client?.name ?? 'the client'}'s verification threshold of ${displayMoney(threshold, rule.currency)}.`}
        </p>
        {canRecord ? <VerificationForm invoiceId={invoice.id} /> : null}
      </section>
      <DataTable
        caption="Verification history"
        csvName={`invoice-${invoice.id}-verifications.csv`}
        rowKey={(v) => v.id}
        rows={records}
        empty="No verification recorded for this invoice."
        columns={[
          { header: 'When (UTC)', value: (v) => v.recordedAt.replace('T', ' ').slice(0, 16) },
          { header: 'Method', value: (v) => METHOD_LABELS[v.method] },
          { header: 'Contact', value: (v) => v.contact ?? '' },
          { header: 'Outcome', value: (v) => OUTCOME_SHORT[v.outcome] },
          { header: 'Note', value: (v) => v.note ?? '' },
          { header: 'Recorded by', value: (v) => v.recordedBy ?? '' },
        ]}
      />
    </>
  );
}

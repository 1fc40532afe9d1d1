import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { ACCOUNT_LABELS } from '@/app/_components/format';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { getInvoice } from '@/lib/invoices';
import { daysPastDue, feeToDate, invoiceActions, invoiceParties } from '@/lib/invoices/standing';
import { entriesForInvoice } from '@/lib/ledger';
import { accrualHistory } from '@/lib/reports/fees';
import { Big, displayMoney, formatMoney } from '@/lib/money';
import { InvoiceVerification } from './verification';
import { DebtorApprovalForm } from './debtor-approval';
import { InvoiceActions } from './invoice-actions';
import { InvoiceStatementSends } from './statement-sends';
import { agreementOn } from '@/lib/clients';
import { todayIn } from '@/lib/dates';
import { NotesSection } from '@/app/(console)/notes/notes-section';
import { InvoiceIntakeFlags } from './intake-flags';
import { DocumentsSection } from '@/app/_components/documents/documents-section';

export const metadata: Metadata = { title: 'Invoice' };
export const dynamic = 'force-dynamic';

export default async function InvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('invoices');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const db = getDatabase();
  const invoice = await getInvoice(db, Number(id), actor).catch((e) => {
    if (e instanceof DomainError && e.status === 404) notFound();
    throw e;
  });
  const [entries, fees, parties] = await Promise.all([
    entriesForInvoice(db, Number(id)),
    accrualHistory(db, Number(id), invoice.currency),
    invoiceParties(db, Number(id)),
  ]);
  if (!parties) notFound();
  const today = todayIn();
  const agreement = await agreementOn(db, Number(invoice.clientId), invoice.fundingDate ?? today);
  const needsDebtorApproval = agreement?.model === 'reverse' && invoice.fundingDate === null;
  const lines = entries.flatMap((e) => e.lines.map((l) => ({ ...l, entry: e })));
  const c = invoice.currency;
  const late = daysPastDue(invoice.dueDate, today, invoice.status);
  const fee = feeToDate({ feesAtFunding: parties.feesAtFunding, serviceFee: parties.serviceFee, accrued: invoice.feesAccrued, currency: c });
  const feeParts = [
    new Big(fee.serviceFee).gt(0) ? `service fee ${displayMoney(fee.serviceFee, c)}` : null,
    new Big(fee.flatFee).gt(0) ? `flat fee ${displayMoney(fee.flatFee, c)}` : null,
  ].filter((p): p is string => p !== null);
  const feeHint = [
    `${displayMoney(fee.atFunding, c)} taken at funding${feeParts.length > 0 ? ` (${feeParts.join(', ')})` : ''}`,
    `${displayMoney(fee.accrued, c)} accrued${invoice.settledDate ? `, frozen at settlement on ${invoice.settledDate}` : ''}`,
  ].join(' + ');
  // What can be done next: the invoice's state and the agreement decide, the permission table says who.
  const next = invoiceActions(invoice.status, parties.model);
  const canDispute = next.dispute && can(actor, 'dispute.open');
  const canRecourse = (next.chargeBack || next.writeOff) && can(actor, 'invoice.chargeback');
  return (
    <div>
      <PageHeader
        title={`Invoice ${invoice.number}`}
        subtitle={`${invoice.status.replace(/_/g, ' ')} · issued ${invoice.issueDate} · due ${invoice.dueDate}`}
      />
      <dl aria-label="Between" className="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <div>
          <dt className="inline text-slate-500">Client </dt>
          <dd className="inline">
            <Link className="text-brand-700 underline" href={`/clients/${parties.clientId}`}>
              {parties.clientName}
            </Link>
          </dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Debtor </dt>
          <dd className="inline">
            <Link className="text-brand-700 underline" href={`/debtors/${parties.debtorId}`}>
              {parties.debtorName}
            </Link>
          </dd>
        </div>
        {parties.model ? (
          <div>
            <dt className="inline text-slate-500">Agreement </dt>
            <dd className="inline">{parties.model.replace(/_/g, ' ')}</dd>
          </div>
        ) : null}
      </dl>
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-6">
        <Stat label="Face value" value={displayMoney(invoice.faceValue, c)} />
        <Stat label="Advance" value={displayMoney(invoice.advance, c)} />
        <Stat label="Reserve held" value={displayMoney(invoice.reserve, c)} />
        <Stat label="Outstanding" value={displayMoney(invoice.outstanding, c)} />
        <Stat
          label="Days past due"
          value={late}
          hint={
            late > 0
              ? `due ${invoice.dueDate}, as of ${today}`
              : ['settled', 'charged_back', 'written_off'].includes(invoice.status)
                ? 'closed'
                : `due ${invoice.dueDate}`
          }
        />
        <Stat label="Fee to date" value={displayMoney(fee.total, c)} hint={feeHint} />
      </div>
      {parties.openDispute ? (
        <p className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950">
          Dispute {parties.openDispute.id} is open since {parties.openDispute.openedDate} for {displayMoney(parties.openDispute.amount, c)}:{' '}
          {parties.openDispute.reason}. The invoice is held and its reserve locked;{' '}
          <Link className="text-brand-700 underline" href="/collections?tab=disputes">
            resolve it in Collections
          </Link>
          .
        </p>
      ) : null}
      {can(actor, 'dispute.open') || can(actor, 'invoice.chargeback') ? (
        <InvoiceActions
          invoiceId={invoice.id}
          number={invoice.number}
          outstanding={invoice.outstanding}
          owed={displayMoney(invoice.outstanding, c)}
          today={today}
          dispute={canDispute}
          recourse={canRecourse ? (next.chargeBack ? 'chargeback' : 'write_off') : null}
          status={invoice.status}
        />
      ) : null}
      {needsDebtorApproval ? (
        invoice.debtorApprovedDate ? (
          <p className="mt-4 text-sm">Debtor approved this invoice on {invoice.debtorApprovedDate} (reverse factoring).</p>
        ) : can(actor, 'debtor.approval') ? (
          <DebtorApprovalForm invoiceId={invoice.id} today={today} />
        ) : (
          <p className="mt-4 text-sm text-amber-800">Reverse factoring: the debtor has not approved this invoice yet.</p>
        )
      ) : null}
      <InvoiceVerification invoice={invoice} actor={actor} agreement={agreement} />
      <InvoiceIntakeFlags invoiceId={invoice.id} actor={actor} />
      <NotesSection
        subjectType="invoice"
        subjectId={invoice.id}
        actor={actor}
        known={{ label: invoice.number, currency: invoice.currency, open: invoice.status === 'funded' || invoice.status === 'disputed' }}
      />
      <DataTable
        caption="Fee accrual history"
        csvName={`invoice-${invoice.id}-fees.csv`}
        rowKey={(f) => `${f.date}-${f.cumulative}`}
        rows={fees}
        empty="No fee has accrued yet (flat fees are taken at funding)."
        columns={[
          { header: 'Date', value: (f) => f.date },
          { header: 'Accrued', value: (f) => f.amount, render: (f) => displayMoney(f.amount, c), align: 'right' },
          { header: 'Fee to date', value: (f) => f.cumulative, render: (f) => displayMoney(f.cumulative, c), align: 'right' },
        ]}
      />
      <InvoiceStatementSends invoiceId={Number(id)} actor={actor} />
      <DataTable
        caption="Ledger entries"
        csvName={`invoice-${invoice.id}-ledger.csv`}
        rowKey={(l) => String(l.id)}
        rows={lines}
        empty="Nothing posted for this invoice yet."
        columns={[
          { header: 'Date', value: (l) => l.entry.effectiveDate },
          { header: 'Entry', value: (l) => `${l.entry.id} ${l.entry.kind}` },
          { header: 'Account', value: (l) => ACCOUNT_LABELS[l.account] ?? l.account },
          {
            header: 'Debit',
            value: (l) => (l.amount.gt(0) ? formatMoney(l.amount, l.currency) : ''),
            render: (l) => (l.amount.gt(0) ? displayMoney(l.amount, l.currency) : ''),
            align: 'right',
          },
          {
            header: 'Credit',
            value: (l) => (l.amount.lt(0) ? formatMoney(l.amount.abs(), l.currency) : ''),
            render: (l) => (l.amount.lt(0) ? displayMoney(l.amount.abs(), l.currency) : ''),
            align: 'right',
          },
          { header: 'Memo', value: (l) => l.entry.memo },
        ]}
      />
      <DocumentsSection subjectType="invoice" subjectId={invoice.id} actor={actor} known={{ clientId: invoice.clientId, label: invoice.number }} />
    </div>
  );
}

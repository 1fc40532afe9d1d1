import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { ACCOUNT_LABELS } from '@/app/_components/format';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { getInvoice } from '@/lib/invoices';
import { entriesForInvoice } from '@/lib/ledger';
import { accrualHistory } from '@/lib/reports/fees';
import { displayMoney, formatMoney } from '@/lib/money';
import { VerifyInvoiceButton } from './verify-button';
import { DebtorApprovalForm } from './debtor-approval';
import { agreementOn } from '@/lib/clients';
import { todayIn } from '@/lib/dates';

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
  const [entries, fees] = await Promise.all([entriesForInvoice(db, Number(id)), accrualHistory(db, Number(id), invoice.currency)]);
  const agreement = await agreementOn(db, Number(invoice.clientId), invoice.fundingDate ?? todayIn());
  const needsDebtorApproval = agreement?.model === 'reverse' && invoice.fundingDate === null;
  const lines = entries.flatMap((e) => e.lines.map((l) => ({ ...l, entry: e })));
  const c = invoice.currency;
  return (
    <div>
      <PageHeader
        title={`Invoice ${invoice.number}`}
        subtitle={`${invoice.status} · issued ${invoice.issueDate} · due ${invoice.dueDate}`}
        actions={can(actor, 'invoice.verify') && invoice.status === 'submitted' ? <VerifyInvoiceButton invoiceId={invoice.id} /> : undefined}
      />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-5">
        <Stat label="Face value" value={displayMoney(invoice.faceValue, c)} />
        <Stat label="Advance" value={displayMoney(invoice.advance, c)} />
        <Stat label="Reserve held" value={displayMoney(invoice.reserve, c)} />
        <Stat label="Outstanding" value={displayMoney(invoice.outstanding, c)} />
        <Stat
          label="Fee to date"
          value={displayMoney(invoice.feesAccrued, c)}
          hint={invoice.settledDate ? `frozen at settlement on ${invoice.settledDate}` : undefined}
        />
      </div>
      {needsDebtorApproval ? (
        invoice.debtorApprovedDate ? (
          <p className="mt-4 text-sm">Debtor approved this invoice on {invoice.debtorApprovedDate} (reverse factoring).</p>
        ) : can(actor, 'debtor.approval') ? (
          <DebtorApprovalForm invoiceId={invoice.id} today={todayIn()} />
        ) : (
          <p className="mt-4 text-sm text-amber-800">Reverse factoring: the debtor has not approved this invoice yet.</p>
        )
      ) : null}
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
    </div>
  );
}

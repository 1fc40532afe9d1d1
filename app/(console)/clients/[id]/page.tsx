import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { ACCOUNT_LABELS, describeFees, describePolicy } from '@/app/_components/format';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { agreementVersions, getClient } from '@/lib/clients';
import { DomainError } from '@/lib/errors';
import { listInvoices } from '@/lib/invoices';
import { clientLedger, currentBalances } from '@/lib/ledger';
import { displayMoney, formatMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Client' };
export const dynamic = 'force-dynamic';

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireSection('clients');
  const { id } = await params;
  if (!/^\d{1,15}$/.test(id)) notFound();
  const db = getDatabase();
  const client = await getClient(db, Number(id), actor).catch((e) => {
    if (e instanceof DomainError && e.status === 404) notFound();
    throw e;
  });
  const [versions, invoices, balances, ledger] = await Promise.all([
    agreementVersions(db, Number(id), actor),
    listInvoices(db, actor, { clientId: Number(id), limit: 200 }),
    currentBalances(db, { clientId: Number(id) }),
    clientLedger(db, Number(id), { accounts: ['reserve'], limit: 500 }),
  ]);
  const a = client.agreement;
  return (
    <div>
      <PageHeader title={client.name} subtitle={`${client.status} · home currency ${client.currency}`} />
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Agreement {a ? `v${a.version}, in force from ${a.effectiveFrom}` : ''}</h2>
          {a ? (
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500">Model</dt>
              <dd>{a.model}</dd>
              <dt className="text-slate-500">Advance / reserve</dt>
              <dd>
                {a.advanceRate} / {a.reserveRate}
              </dd>
              <dt className="text-slate-500">Fees</dt>
              <dd>{describeFees(a.fees)}</dd>
              <dt className="text-slate-500">Service fee / minimum fee</dt>
              <dd>
                {a.serviceFee} / {a.minimumFee}
              </dd>
              <dt className="text-slate-500">Reserve policy</dt>
              <dd>{describePolicy(a.reservePolicy)}</dd>
              <dt className="text-slate-500">Releases</dt>
              <dd>
                {a.releaseSchedule.cadence} from {a.releaseSchedule.anchorDate}
              </dd>
              <dt className="text-slate-500">Recourse days</dt>
              <dd>{a.recourseDays}</dd>
              <dt className="text-slate-500">Credit / concentration limit</dt>
              <dd>
                {a.creditLimit} / {a.concentrationLimit}
              </dd>
            </dl>
          ) : (
            <p className="mt-2 text-sm text-slate-500">No approved agreement.</p>
          )}
        </section>
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Balances</h2>
          <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
            {balances.map((b) => (
              <div key={b.accountId} className="contents">
                <dt className="text-slate-500">
                  {ACCOUNT_LABELS[b.account]} ({b.currency})
                </dt>
                <dd className="num">{displayMoney(b.balance, b.currency)}</dd>
              </div>
            ))}
          </dl>
          {balances.length === 0 ? <p className="mt-2 text-sm text-slate-500">Nothing posted yet.</p> : null}
        </section>
      </div>
      <DataTable
        caption="Agreement versions"
        csvName={`client-${client.id}-agreements.csv`}
        rowKey={(v) => v.id}
        rows={versions}
        columns={[
          { header: 'Version', value: (v) => String(v.version) },
          { header: 'Effective from', value: (v) => v.effectiveFrom },
          { header: 'Status', value: (v) => v.status },
          { header: 'Advance', value: (v) => v.advanceRate, align: 'right' },
          { header: 'Fees', value: (v) => describeFees(v.fees) },
        ]}
      />
      <DataTable
        caption="Reserve ledger"
        csvName={`client-${client.id}-reserve-ledger.csv`}
        rowKey={(l) => String(l.lineId)}
        rows={ledger.lines}
        empty="No reserve movements yet."
        columns={[
          { header: 'Date', value: (l) => l.effectiveDate },
          { header: 'Entry', value: (l) => `${l.entryId} ${l.kind}` },
          { header: 'Invoice', value: (l) => l.invoiceNumber ?? '' },
          { header: 'Memo', value: (l) => l.memo },
          { header: 'Movement', value: (l) => formatMoney(l.amount.times(-1), l.currency), align: 'right' },
          { header: 'Reserve balance', value: (l) => formatMoney(l.runningBalance, l.currency), align: 'right' },
        ]}
      />
      <DataTable
        caption="Invoices"
        csvName={`client-${client.id}-invoices.csv`}
        rowKey={(i) => i.id}
        rows={invoices}
        columns={[
          { header: 'Number', value: (i) => i.number, render: (i) => <Link className="text-brand-700 underline" href={`/invoices/${i.id}`}>{i.number}</Link> },
          { header: 'Debtor', value: (i) => i.debtorName },
          { header: 'Face value', value: (i) => i.faceValue, render: (i) => displayMoney(i.faceValue, i.currency), align: 'right' },
          { header: 'Status', value: (i) => i.status },
          { header: 'Issued', value: (i) => i.issueDate },
          { header: 'Funded', value: (i) => i.fundingDate ?? '' },
        ]}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { getClient } from '@/lib/clients';
import { listInvoices } from '@/lib/invoices';
import { currentBalances } from '@/lib/ledger';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Your reserves' };
export const dynamic = 'force-dynamic';

export default async function PortalPage() {
  const actor = await requireSection('portal');
  const clientId = actor.clientId!;
  const db = getDatabase();
  const [client, balances, invoices] = await Promise.all([
    getClient(db, clientId, actor),
    currentBalances(db, { clientId, accounts: ['reserve', 'receivable', 'client_due'] }),
    listInvoices(db, actor, { limit: 200 }),
  ]);
  const reserve = balances.filter((b) => b.account === 'reserve');
  return (
    <div>
      <PageHeader title={client.name} subtitle="Your reserve with your factor, and your invoices" />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        {reserve.length === 0 ? <Stat label="Reserve held" value={displayMoney('0', client.currency)} /> : null}
        {reserve.map((b) => (
          <Stat key={b.accountId} label={`Reserve held (${b.currency})`} value={displayMoney(b.balance, b.currency)} />
        ))}
        {balances
          .filter((b) => b.account === 'receivable')
          .map((b) => (
            <Stat key={b.accountId} label={`Invoices outstanding (${b.currency})`} value={displayMoney(b.balance, b.currency)} />
          ))}
      </div>
      <DataTable
        caption="Your invoices"
        csvName="invoices.csv"
        rowKey={(i) => i.id}
        rows={invoices}
        columns={[
          { header: 'Number', value: (i) => i.number },
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

import type { Metadata } from 'next';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listDebtors } from '@/lib/debtors';
import { displayMoney } from '@/lib/money';
import { EditDebtorForm, NewDebtorForm } from './forms';

export const metadata: Metadata = { title: 'Debtors' };
export const dynamic = 'force-dynamic';

export default async function DebtorsPage() {
  const actor = await requireSection('debtors');
  // Who edits debtors is the permission table's (debtor.edit); everyone else reads.
  const canEdit = can(actor, 'debtor.edit');
  const debtors = await listDebtors(getDatabase());
  return (
    <div>
      <PageHeader title="Debtors" subtitle="The buyers who owe the invoices" />
      {canEdit ? (
        <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">New debtor</h2>
          <NewDebtorForm />
        </section>
      ) : null}
      <DataTable
        caption="All debtors"
        csvName="debtors.csv"
        rowKey={(d) => d.id}
        rows={debtors}
        columns={[
          { header: 'Debtor', value: (d) => d.name },
          { header: 'Risk rating', value: (d) => d.riskRating },
          // debtors' credit limits are kept in USD (lib/debtors; the debtor form says so)
          { header: 'Credit limit', value: (d) => d.creditLimit, render: (d) => displayMoney(d.creditLimit, 'USD'), align: 'right' },
          { header: 'Clients', value: (d) => String(d.clients), align: 'right' },
          { header: 'Open invoices', value: (d) => String(d.openInvoices), align: 'right' },
          ...(canEdit ? [{ header: 'Edit limit and rating', value: () => '', render: (d: (typeof debtors)[number]) => <EditDebtorForm debtor={d} /> }] : []),
        ]}
      />
    </div>
  );
}

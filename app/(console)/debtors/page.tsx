import type { Metadata } from 'next';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { listDebtors } from '@/lib/debtors';

export const metadata: Metadata = { title: 'Debtors' };
export const dynamic = 'force-dynamic';

export default async function DebtorsPage() {
  await requireSection('debtors');
  const debtors = await listDebtors(getDatabase());
  return (
    <div>
      <PageHeader title="Debtors" subtitle="The buyers who owe the invoices" />
      <DataTable
        caption="All debtors"
        csvName="debtors.csv"
        rowKey={(d) => d.id}
        rows={debtors}
        columns={[
          { header: 'Debtor', value: (d) => d.name },
          { header: 'Risk rating', value: (d) => d.riskRating },
          { header: 'Credit limit', value: (d) => d.creditLimit, align: 'right' },
          { header: 'Clients', value: (d) => String(d.clients), align: 'right' },
          { header: 'Open invoices', value: (d) => String(d.openInvoices), align: 'right' },
        ]}
      />
    </div>
  );
}

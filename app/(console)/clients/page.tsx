import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { listClients } from '@/lib/clients';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Clients' };
export const dynamic = 'force-dynamic';

export default async function ClientsPage() {
  const actor = await requireSection('clients');
  const clients = await listClients(getDatabase(), actor);
  return (
    <div>
      <PageHeader title="Clients" subtitle="The sellers whose invoices the factor buys" />
      <DataTable
        caption="All clients"
        csvName="clients.csv"
        rowKey={(c) => c.id}
        rows={clients}
        empty="No clients yet."
        columns={[
          { header: 'Client', value: (c) => c.name, render: (c) => <Link className="text-brand-700 underline" href={`/clients/${c.id}`}>{c.name}</Link> },
          { header: 'Status', value: (c) => c.status },
          { header: 'Model', value: (c) => c.model ?? '' },
          { header: 'Open invoices', value: (c) => String(c.openInvoices), align: 'right' },
          {
            header: 'Reserve held',
            value: (c) => c.balances.map((b) => `${b.reserveHeld} ${b.currency}`).join('; '),
            render: (c) => c.balances.map((b) => displayMoney(b.reserveHeld, b.currency)).join(' · ') || '—',
            align: 'right',
          },
          {
            header: 'Receivables',
            value: (c) => c.balances.map((b) => `${b.receivables} ${b.currency}`).join('; '),
            render: (c) => c.balances.map((b) => displayMoney(b.receivables, b.currency)).join(' · ') || '—',
            align: 'right',
          },
        ]}
      />
    </div>
  );
}

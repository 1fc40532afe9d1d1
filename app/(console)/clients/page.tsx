import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { agreementToForm } from '@/lib/agreements/form';
import { agreementTermsSchema } from '@/lib/agreements/terms';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listClients } from '@/lib/clients';
import { displayMoney } from '@/lib/money';
import { NewClientForm } from './new-client-form';

export const metadata: Metadata = { title: 'Clients' };
export const dynamic = 'force-dynamic';

export default async function ClientsPage() {
  const actor = await requireSection('clients');
  const clients = await listClients(getDatabase(), actor);
  const canCreate = can(actor, 'client.create');
  return (
    <div>
      <PageHeader title="Clients" subtitle="The sellers whose invoices the factor buys" />
      {canCreate ? (
        <details className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
          <summary className="cursor-pointer font-semibold">New client</summary>
          <p className="mt-2 text-sm text-slate-600">
            A new client starts as a prospect with this agreement as its first version; it is funded once its KYB checklist is complete and another underwriter
            has activated it.
          </p>
          <div className="mt-4">
            {/* The schema's defaults, as the form's starting values. */}
            <NewClientForm defaults={agreementToForm(agreementTermsSchema.parse({}))} />
          </div>
        </details>
      ) : null}
      <DataTable
        caption="All clients"
        csvName="clients.csv"
        rowKey={(c) => c.id}
        rows={clients}
        empty="No clients yet."
        columns={[
          {
            header: 'Client',
            value: (c) => c.name,
            render: (c) => (
              <Link className="text-brand-700 underline" href={`/clients/${c.id}`}>
                {c.name}
              </Link>
            ),
          },
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

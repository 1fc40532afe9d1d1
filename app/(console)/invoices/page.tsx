import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { INVOICE_STATUSES } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listInvoices } from '@/lib/invoices';
import { displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Invoices' };
export const dynamic = 'force-dynamic';

export default async function InvoicesPage({ searchParams }: { searchParams: Promise<{ status?: string }> }) {
  const actor = await requireSection('invoices');
  const { status } = await searchParams;
  const filter = (INVOICE_STATUSES as readonly string[]).includes(status ?? '') ? status : undefined;
  const invoices = await listInvoices(getDatabase(), actor, { status: filter, limit: 500 });
  return (
    <div>
      <PageHeader
        title="Invoices"
        subtitle="Purchased and submitted invoices, newest first"
        actions={
          can(actor, 'invoice.create') ? (
            <Link href="/invoices/new" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white">
              Enter invoices
            </Link>
          ) : undefined
        }
      />
      <nav aria-label="Filter by status" className="mt-4 flex flex-wrap gap-2 text-sm">
        {['all', ...INVOICE_STATUSES].map((s) => (
          <Link
            key={s}
            href={s === 'all' ? '/invoices' : `/invoices?status=${s}`}
            aria-current={(filter ?? 'all') === s ? 'true' : undefined}
            className={`rounded-full border px-3 py-1 ${(filter ?? 'all') === s ? 'border-brand-700 bg-brand-50 text-brand-800' : 'border-slate-300'}`}
          >
            {s.replace('_', ' ')}
          </Link>
        ))}
      </nav>
      <DataTable
        caption={filter ? `Invoices: ${filter.replace('_', ' ')}` : 'All invoices'}
        csvName="invoices.csv"
        rowKey={(i) => i.id}
        rows={invoices}
        columns={[
          {
            header: 'Number',
            value: (i) => i.number,
            render: (i) => (
              <Link className="text-brand-700 underline" href={`/invoices/${i.id}`}>
                {i.number}
              </Link>
            ),
          },
          { header: 'Client', value: (i) => i.clientName },
          { header: 'Debtor', value: (i) => i.debtorName },
          { header: 'Face value', value: (i) => i.faceValue, render: (i) => displayMoney(i.faceValue, i.currency), align: 'right' },
          { header: 'Status', value: (i) => i.status },
          { header: 'Issued', value: (i) => i.issueDate },
          { header: 'Due', value: (i) => i.dueDate },
          { header: 'Funded', value: (i) => i.fundingDate ?? '' },
        ]}
      />
    </div>
  );
}

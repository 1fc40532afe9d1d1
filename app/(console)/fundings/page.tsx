import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { listClients } from '@/lib/clients';
import { todayIn } from '@/lib/dates';
import { listFundableInvoices, listFundingBatches } from '@/lib/funding';
import { displayMoney } from '@/lib/money';
import { BatchBuilder } from './builder';

export const metadata: Metadata = { title: 'Fundings' };
export const dynamic = 'force-dynamic';

export default async function FundingsPage({ searchParams }: { searchParams: Promise<{ client?: string }> }) {
  const actor = await requireSection('fundings');
  const { client } = await searchParams;
  const db = getDatabase();
  const canFund = can(actor, 'funding.fund');
  const [clients, batches] = await Promise.all([listClients(db, actor), listFundingBatches(db, { limit: 100 })]);
  const active = clients.filter((c) => c.status === 'active');
  const chosen = canFund && client && /^\d{1,15}$/.test(client) ? active.find((c) => c.id === client) : undefined;
  const fundable = chosen ? await listFundableInvoices(db, Number(chosen.id)) : [];
  return (
    <div>
      <PageHeader title="Fundings" subtitle="Funding batches: the split per invoice, the limit checks, and approvals for holds" />
      {canFund ? (
        <section className="mt-6">
          <h2 className="font-semibold">Build a funding batch</h2>
          <form action="/fundings" className="mt-2 flex items-end gap-2">
            <div>
              <label htmlFor="builder-client" className="text-sm font-medium">
                Client
              </label>
              <select
                id="builder-client"
                name="client"
                defaultValue={chosen?.id ?? ''}
                className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
              >
                <option value="">Choose an active client</option>
                {active.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm">
              Show verified invoices
            </button>
          </form>
          {chosen ? <BatchBuilder key={chosen.id} clientId={chosen.id} clientName={chosen.name} invoices={fundable} today={todayIn()} /> : null}
        </section>
      ) : null}
      <DataTable
        caption="Funding batches"
        csvName="funding-batches.csv"
        rowKey={(b) => b.id}
        rows={batches}
        empty="No funding batches yet."
        columns={[
          {
            header: 'Batch',
            value: (b) => b.id,
            render: (b) => <Link className="text-brand-700 underline" href={`/fundings/${b.id}`}>{`Batch ${b.id}`}</Link>,
          },
          { header: 'Client', value: (b) => b.clientName },
          { header: 'Funding date', value: (b) => b.fundingDate },
          { header: 'Status', value: (b) => b.status.replace('_', ' ') },
          { header: 'Invoices', value: (b) => String(b.invoices), align: 'right' },
          { header: 'Advance', value: (b) => b.totalAdvance, render: (b) => displayMoney(b.totalAdvance, b.currency), align: 'right' },
          { header: 'Holds', value: (b) => String(b.holds), align: 'right' },
          { header: 'Requested by', value: (b) => b.requestedBy },
        ]}
      />
    </div>
  );
}

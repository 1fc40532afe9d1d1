import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataTable } from '@/app/_components/data-table';
import { PageHeader, Stat } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { requireSection } from '@/lib/auth/session';
import { paymentView } from '@/lib/collections/payments';
import { DomainError } from '@/lib/errors';
import { Big, displayMoney } from '@/lib/money';

export const metadata: Metadata = { title: 'Payment' };
export const dynamic = 'force-dynamic';

/**
 * One payment (where search's payment results open): what came in, from whom, with what
 * reference, and the invoices it was applied to; a payment with money left to apply is worked
 * in Collections → Inbox.
 */
export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  await requireSection('collections');
  const { id } = await params;
  if (!/^[1-9]\d{0,15}$/.test(id)) notFound();
  const db = getDatabase();
  const payment = await paymentView(db, Number(id)).catch((e) => {
    if (e instanceof DomainError && e.status === 404) notFound();
    throw e;
  });
  const ids = [...new Set(payment.applications.map((a) => a.invoiceId))];
  const invoices = ids.length
    ? await db.sql<{ id: string; number: string; client_name: string; debtor_name: string }[]>`
        select i.id, i.number, c.name as client_name, d.name as debtor_name
          from invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id
         where i.id = any(${ids}::bigint[])`
    : [];
  const byId = new Map(invoices.map((i) => [String(i.id), i]));
  const c = payment.currency;
  const rows = payment.applications.map((a, n) => ({ ...a, n, invoice: byId.get(a.invoiceId) }));
  return (
    <div>
      <PageHeader
        title={`Payment ${payment.id}`}
        subtitle={`${payment.status.replace(/_/g, ' ')} · received ${payment.receivedDate} · ${payment.source}`}
        actions={
          new Big(payment.unapplied).gt(0) ? (
            <Link href="/collections" className="rounded-md border border-slate-300 px-3 py-2 text-sm">
              Apply it in the inbox
            </Link>
          ) : undefined
        }
      />
      <div className="mt-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Amount" value={displayMoney(payment.amount, c)} />
        <Stat label="Unapplied" value={displayMoney(payment.unapplied, c)} />
        <Stat label="Payer" value={payment.payerName || '—'} />
        <Stat label="Received" value={payment.receivedDate} />
      </div>
      <p className="mt-4 text-sm wrap-anywhere">
        <span className="text-slate-500">Reference </span>
        {payment.reference || '—'}
      </p>
      <DataTable
        caption="Applied to"
        csvName={`payment-${payment.id}-applications.csv`}
        rowKey={(r) => `${r.invoiceId}-${r.n}`}
        rows={rows}
        empty="Not applied to any invoice yet."
        columns={[
          {
            header: 'Invoice',
            value: (r) => r.invoice?.number ?? r.invoiceId,
            render: (r) => (
              <Link className="text-brand-700 underline" href={`/invoices/${r.invoiceId}`}>
                {r.invoice?.number ?? r.invoiceId}
              </Link>
            ),
          },
          { header: 'Client', value: (r) => r.invoice?.client_name ?? '' },
          { header: 'Debtor', value: (r) => r.invoice?.debtor_name ?? '' },
          { header: 'Applied on', value: (r) => r.date },
          { header: 'Amount', value: (r) => r.amount, render: (r) => displayMoney(r.amount, c), align: 'right' },
        ]}
      />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { PageHeader } from '@/app/_components/page-header';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requireSection } from '@/lib/auth/session';
import { InvoiceForm, ScheduleUploadForm } from './forms';

export const metadata: Metadata = { title: 'Enter invoices' };
export const dynamic = 'force-dynamic';

/** The funding team submits invoices: one by hand, or a client's schedule of accounts as CSV. */
export default async function NewInvoicesPage() {
  const actor = await requireSection('invoices');
  if (!can(actor, 'invoice.create')) forbidden();
  const db = getDatabase();
  // Clients and debtors are picked by typing (10,000 and 2,000+ do not fit a select): the page reads neither list.
  const [open] = await db.sql<{ any: boolean }[]>`select exists (select 1 from clients where status <> 'closed') as any`;
  return (
    <div>
      <PageHeader
        title="Enter invoices"
        subtitle="New invoices are submitted; verify each one before it can be funded"
        actions={
          <Link href="/invoices" className="text-sm text-brand-700 underline">
            Back to invoices
          </Link>
        }
      />
      {!open?.any ? (
        <p className="mt-6 text-sm text-slate-600">There are no clients yet; an underwriter onboards them first.</p>
      ) : (
        <>
          <section aria-labelledby="one-invoice" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="one-invoice" className="mb-3 font-semibold">
              One invoice
            </h2>
            <InvoiceForm />
          </section>
          <section aria-labelledby="schedule" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="schedule" className="mb-3 font-semibold">
              A schedule of accounts
            </h2>
            <ScheduleUploadForm />
          </section>
        </>
      )}
    </div>
  );
}

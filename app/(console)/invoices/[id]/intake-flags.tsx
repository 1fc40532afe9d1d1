import { DataTable } from '@/app/_components/data-table';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { listInvoiceFlags } from '@/lib/intake/flags';
import { ClearFlagForm } from './intake-flag-form';

/**
 * Issue 16 item 5: the invoice page's Intake flags — likely duplicates and fraud signs found at
 * entry or funding. An open flag that holds funding is cleared here, with a reason, by an
 * underwriter or approver; cleared flags stay listed with who, when and why.
 */
export async function InvoiceIntakeFlags({ invoiceId, actor }: { invoiceId: string; actor: Actor }) {
  if (!can(actor, 'staff.read')) return null;
  const flags = await listInvoiceFlags(getDatabase(), Number(invoiceId), actor);
  if (flags.length === 0) return null;
  const open = flags.filter((f) => f.clearedAt === null);
  const canClear = can(actor, 'invoice_flag.clear');
  return (
    <section aria-label="Intake flags" className="mt-6 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 className="font-semibold">Intake flags</h2>
      <p className="mt-1 text-sm text-slate-700">
        {open.length === 0 ? 'Every flag has been cleared.' : `${open.length} open: funding may be held until each is checked and cleared with a reason.`}
      </p>
      <ul className="mt-3 space-y-3">
        {open.map((f) => (
          <li key={f.id} className="rounded-md border border-amber-200 bg-white p-3">
            <p className="text-sm font-medium">{f.label}</p>
            <p className="text-sm text-slate-700">{f.detail}</p>
            {canClear ? <ClearFlagForm flagId={f.id} invoiceId={invoiceId} label={f.label} /> : null}
          </li>
        ))}
      </ul>
      <DataTable
        caption="Intake flag history"
        csvName={`invoice-${invoiceId}-flags.csv`}
        rowKey={(f) => f.id}
        rows={flags}
        empty="No flags."
        columns={[
          { header: 'Flag', value: (f) => f.label },
          { header: 'Detail', value: (f) => f.detail },
          { header: 'Raised (UTC)', value: (f) => f.raisedAt.replace('T', ' ').slice(0, 16) },
          { header: 'Cleared by', value: (f) => f.clearedByName ?? '' },
          { header: 'Cleared (UTC)', value: (f) => (f.clearedAt ? f.clearedAt.replace('T', ' ').slice(0, 16) : 'open') },
          { header: 'Reason', value: (f) => f.clearedReason ?? '' },
        ]}
      />
    </section>
  );
}

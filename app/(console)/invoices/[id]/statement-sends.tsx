import { DataTable } from '@/app/_components/data-table';
import { getDatabase } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { statementSendsForInvoice } from '@/lib/debtor-statements/log';
import { displayMoney } from '@/lib/money';

/**
 * Issue 15, item 4, on the invoice page: each statement or reminder that listed this invoice —
 * when, what (a statement by hand, or the reminder step), to whom, what it still owed then and
 * whether the email has gone (lib/debtor-statements/log.ts).
 */
export async function InvoiceStatementSends({ invoiceId, actor }: { invoiceId: number; actor: Actor }) {
  const sends = await statementSendsForInvoice(getDatabase().sql, invoiceId, actor);
  return (
    <DataTable
      caption="Reminders and statements sent"
      csvName={`invoice-${invoiceId}-reminders.csv`}
      rowKey={(s) => s.sendId}
      rows={sends}
      empty="No statement or reminder has listed this invoice yet."
      columns={[
        { header: 'Sent (UTC)', value: (s) => s.at },
        { header: 'What', value: (s) => s.what },
        { header: 'To', value: (s) => s.to },
        { header: 'Open then', value: (s) => `${s.openThen} ${s.currency}`, render: (s) => displayMoney(s.openThen, s.currency), align: 'right' },
        { header: 'Email', value: (s) => (s.email === 'sent' && s.emailSentAt ? `sent ${s.emailSentAt}` : (s.email ?? '')) },
        { header: 'By', value: (s) => s.by },
      ]}
    />
  );
}

import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface DebtorStatementData {
  factorName: string;
  debtorName: string;
  /** the AP contact's name, when recorded */
  apName: string | null;
  asOf: string;
  kind: 'statement' | 'reminder';
  /** reminders: "15 days past due" */
  stepLabel: string | null;
  invoices: number;
  /** per currency, what is open and what of it is past due (grouped, "12,500.00"; null: nothing past due) */
  totals: { currency: string; open: string; pastDue: string | null }[];
  /** how to pay, label / value (lib/debtor-statements/model.ts remittanceRows) */
  remittance: [string, string][];
  /** the attached PDF's name */
  filename: string;
}

/**
 * Issue 15, item 4: a debtor's statement of open factored invoices, or a reminder at one of its
 * steps, to the debtor's AP contact. The statement itself is the attached PDF, built by the outbox
 * when it sends this email from what the send recorded (lib/notifications/attachments.ts).
 */
export function debtorStatement(d: DebtorStatementData): RenderedEmail {
  const count = `${d.invoices} invoice${d.invoices === 1 ? '' : 's'}`;
  const subject =
    d.kind === 'reminder' && d.stepLabel
      ? `Payment reminder from ${d.factorName}: ${count} ${d.stepLabel}`
      : `Statement of open invoices from ${d.factorName} — ${d.debtorName}, ${d.asOf}`;
  const greeting = `Dear ${d.apName || `${d.debtorName} accounts payable`},`;
  const lead =
    d.kind === 'reminder' && d.stepLabel
      ? `This is a reminder about ${count} ${d.stepLabel} that ${d.invoices === 1 ? 'was' : 'were'} assigned to ${d.factorName}.`
      : `Here is your statement of open invoices assigned to ${d.factorName}, as of ${d.asOf}.`;
  const owed = d.totals.map(
    (t) => `${t.open} ${t.currency}${t.pastDue && t.pastDue !== t.open ? ` (${t.pastDue} past due)` : t.pastDue ? ', all past due' : ''}`,
  );
  const html = frame(
    subject,
    `<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(lead)}</p>
<p>Open: <strong>${owed.map(escapeHtml).join('; ')}</strong>. The invoices, with their due dates, what was paid and what is open, are in the attached PDF (${escapeHtml(d.filename)}).</p>
<h3 style="font-size:14px;margin:16px 0 4px">How to pay</h3>
<table style="border-collapse:collapse;font-size:13px">${d.remittance
      .map(
        ([label, value]) =>
          `<tr><td style="padding:2px 12px 2px 0;color:#64748b">${escapeHtml(label)}</td><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
      )
      .join('')}</table>
<p>These invoices were assigned to ${escapeHtml(d.factorName)}: please pay them only as above. If an amount is wrong or disputed, reply to tell us.</p>`,
  );
  const text = `${greeting}

${lead}

Open: ${owed.join('; ')}. The invoices, with their due dates, what was paid and what is open, are in the attached PDF (${d.filename}).

How to pay:
${d.remittance.map(([label, value]) => `  ${label ? `${label}: ` : '  '}${value}`).join('\n')}

These invoices were assigned to ${d.factorName}: please pay them only as above. If an amount is wrong or disputed, reply to tell us.
`;
  return { subject, html, text };
}

import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface ConcentrationAlertData {
  level: 'near' | 'breach';
  scope: 'client' | 'portfolio';
  /** null for the portfolio scope */
  clientName: string | null;
  debtorName: string;
  currency: string;
  /** percent strings for people: "62.5%" */
  share: string;
  limit: string;
  /** "6,000.00 USD": what the debtor owes, and the open receivables it is a share of */
  exposure: string;
  total: string;
  url: string;
}

/** SPEC 7 "concentration alerts": sent to each underwriter once per newly opened alert. */
export function concentrationAlert(data: ConcentrationAlertData): RenderedEmail {
  const of = data.scope === 'client' ? `${data.clientName ?? 'the client'}'s open receivables` : `the portfolio's open receivables in ${data.currency}`;
  const what = data.level === 'breach' ? 'over the concentration limit' : 'near the concentration limit';
  const subject = `Concentration ${data.level === 'breach' ? 'breach' : 'warning'}: ${data.debtorName} is ${data.share} of ${of}`;
  const text = `${data.debtorName} is ${what}.

Debtor: ${data.debtorName}
${data.scope === 'client' ? `Client: ${data.clientName ?? ''}` : `Scope: whole portfolio (${data.currency})`}
Share: ${data.share} of ${of}
Limit: ${data.limit}${data.level === 'near' ? ' (an alert opens at 90% of the limit)' : ''}
Owed by the debtor: ${data.exposure} of ${data.total}

Review the exposure in Holdback: ${data.url}
`;
  const html = frame(
    subject,
    `<p><strong>${escapeHtml(data.debtorName)}</strong> is ${escapeHtml(what)}.</p>
<table style="border-collapse: collapse; font-size: 14px;">
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Debtor</td><td>${escapeHtml(data.debtorName)}</td></tr>
  ${
    data.scope === 'client'
      ? `<tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Client</td><td>${escapeHtml(data.clientName)}</td></tr>`
      : `<tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Scope</td><td>whole portfolio (${escapeHtml(data.currency)})</td></tr>`
  }
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Share</td><td><strong>${escapeHtml(data.share)}</strong> of ${escapeHtml(of)}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Limit</td><td>${escapeHtml(data.limit)}${data.level === 'near' ? ' (an alert opens at 90% of the limit)' : ''}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Owed by the debtor</td><td>${escapeHtml(data.exposure)} of ${escapeHtml(data.total)}</td></tr>
</table>
<p><a href="${escapeHtml(data.url)}">Review the exposure in Holdback</a></p>`,
  );
  return { subject, html, text };
}

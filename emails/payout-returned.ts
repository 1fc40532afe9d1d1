import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface PayoutReturnedData {
  clientName: string;
  clientId: string;
  releaseId: string;
  batchId: string;
  currency: string;
  amount: string;
  date: string;
  code: string;
  title: string;
  reason: string;
  /** the code points at the account: it is flagged and the client's releases wait until it is set again */
  flagged: boolean;
  url: string;
}

/** Issue 14 "Returns": sent to each underwriter when the bank returns a rebate payout. */
export function payoutReturned(d: PayoutReturnedData): RenderedEmail {
  const subject = `Payout returned (${d.code}): ${d.amount} ${d.currency} to ${d.clientName}, release ${d.releaseId}`;
  const next = d.flagged
    ? `The return points at the client's payout account, which is now flagged: ${d.clientName}'s releases stay out of payout batches until its payout account is confirmed or replaced.`
    : 'The amount is back in the client payable and will be paid in the next payout batch.';
  const text = `The bank returned the rebate payout of release ${d.releaseId} (payout batch ${d.batchId}).

Client: ${d.clientName} (client ${d.clientId})
Amount: ${d.amount} ${d.currency}
Returned on: ${d.date}
Code: ${d.code} — ${d.title}
Reason: ${d.reason}

${next}

Open the client in Holdback: ${d.url}
`;
  const html = frame(
    subject,
    `<p>The bank returned the rebate payout of release ${escapeHtml(d.releaseId)} (payout batch ${escapeHtml(d.batchId)}).</p>
<table style="border-collapse: collapse; font-size: 14px;">
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Client</td><td>${escapeHtml(d.clientName)} (client ${escapeHtml(d.clientId)})</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Amount</td><td>${escapeHtml(d.amount)} ${escapeHtml(d.currency)}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Returned on</td><td>${escapeHtml(d.date)}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Code</td><td>${escapeHtml(d.code)} — ${escapeHtml(d.title)}</td></tr>
  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">Reason</td><td>${escapeHtml(d.reason)}</td></tr>
</table>
<p>${escapeHtml(next)}</p>
<p><a href="${escapeHtml(d.url)}">Open the client in Holdback</a></p>`,
  );
  return { subject, html, text };
}

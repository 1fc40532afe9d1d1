import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface RebateAdviceData {
  clientName: string;
  releaseId: string;
  date: string;
  currency: string;
  amount: string;
  /** the reserve released, per invoice or tranche */
  sources: { label: string; amount: string }[];
  /** fees and amounts owed taken out of the reserve before paying */
  offsets: { label: string; amount: string }[];
  held: string;
  /**
   * Issue 16 item 3: under an escrow policy, the part of `amount` kept in the client's escrow
   * and the part payable (amount = paid + escrow). Absent (older emails, no escrow): all payable.
   */
  escrow?: string | null;
  paid?: string;
}

/** The PDF the outbox attaches when it sends this email (lib/notifications/attachments.ts, lib/portal/advice.ts adviceFilename). */
export function adviceAttachmentName(releaseId: string): string {
  return `rebate-advice-${releaseId}.pdf`;
}

/**
 * SPEC 5.3: the rebate advice sent when a reserve release is approved (posted to the client's
 * payable). The money is paid later through a payout batch (issue 14), so it says released and
 * payable, never paid.
 */
export function rebateAdvice(d: RebateAdviceData): RenderedEmail {
  const paid = d.paid ?? d.amount;
  const escrow = d.escrow ?? null;
  const escrowWords = escrow
    ? `Kept in escrow: ${escrow} ${d.currency} of this rebate goes to your escrow under your agreement (it is paid back at the end of the relationship or when approved), not to you now.`
    : '';
  const subject = `Rebate of ${d.amount} ${d.currency} released — release ${d.releaseId}`;
  const rows = (list: { label: string; amount: string }[]) =>
    list
      .map(
        (s) =>
          `<tr><td style="padding:4px 8px;border-bottom:1px solid #e2e8f0">${escapeHtml(s.label)}</td><td style="padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:right">${escapeHtml(s.amount)} ${escapeHtml(d.currency)}</td></tr>`,
      )
      .join('');
  const html = frame(
    subject,
    `<p>Dear ${escapeHtml(d.clientName)},</p>
<p>On ${escapeHtml(d.date)} we released <strong>${escapeHtml(d.amount)} ${escapeHtml(d.currency)}</strong> of your reserve to you (release ${escapeHtml(d.releaseId)}).</p>
<h3 style="font-size:14px;margin:16px 0 4px">Reserve released from</h3>
<table style="border-collapse:collapse;width:100%;font-size:13px">${rows(d.sources)}</table>
${d.offsets.length ? `<h3 style="font-size:14px;margin:16px 0 4px">Taken out before payment</h3><table style="border-collapse:collapse;width:100%;font-size:13px">${rows(d.offsets)}</table>` : ''}
${escrow ? `<p style="margin-top:16px">${escapeHtml(escrowWords)}</p>` : ''}
<p style="margin-top:16px">Payable to you: <strong>${escapeHtml(paid)} ${escapeHtml(d.currency)}</strong>, paid to your payout account with our next payout to the bank (your portal shows it as paid once the bank confirms). Reserve still held after this release: ${escapeHtml(d.held)} ${escapeHtml(d.currency)}.</p>
<p>The advice, with the invoices behind this amount (face value, collected, fees, reserve released), is attached as a PDF and is in your portal.</p>`,
  );
  const text = `Dear ${d.clientName},

On ${d.date} we released ${d.amount} ${d.currency} of your reserve to you (release ${d.releaseId}).

Reserve released from:
${d.sources.map((s) => `  ${s.label}: ${s.amount} ${d.currency}`).join('\n')}
${d.offsets.length ? `\nTaken out before payment:\n${d.offsets.map((s) => `  ${s.label}: ${s.amount} ${d.currency}`).join('\n')}\n` : ''}${escrow ? `\n${escrowWords}\n` : ''}
Payable to you: ${paid} ${d.currency}, paid to your payout account with our next payout to the bank (your portal shows it as paid once the bank confirms)
Reserve still held after this release: ${d.held} ${d.currency}

The advice, with the invoices behind this amount (face value, collected, fees, reserve released), is attached as a PDF and is in your portal.
`;
  return { subject, html, text };
}

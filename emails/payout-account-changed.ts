import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface PayoutAccountChangedData {
  clientName: string;
  /** the factor, who pays the rebates and whom to call */
  factorName: string;
  /** the new account, masked: "checking ••••6789 at 011000015", "IBAN DE89 •••• •••• •••• 3000, BIC DEUTDEFF" */
  account: string;
  holderName: string;
  /** the account it replaces, masked; null when none was recorded */
  previous: string | null;
  /** YYYY-MM-DD: when the change took effect */
  changedOn: string;
}

/**
 * Issue 14: a client's payout bank account was changed (a second person approved the request).
 * Sent to every contact of the client whatever their email choices — it is the client's one chance
 * to notice a change it did not ask for before a rebate goes to someone else's account. The
 * account is masked; the email says whom to call, and not to use a number from an email.
 */
export function payoutAccountChanged(d: PayoutAccountChangedData): RenderedEmail {
  const subject = `Your payout bank account with ${d.factorName} was changed`;
  const callUs = `If you did not ask for this change, call ${d.factorName} straight away on the phone number in your factoring agreement — not a number given in an email — and ask for your account manager. Until then, rebates go to the new account.`;
  const text = `Dear ${d.clientName},

Your payout bank account with ${d.factorName} was changed on ${d.changedOn}. Your rebates will be paid to:

  ${d.holderName}, ${d.account}
${d.previous ? `\nIt replaces ${d.previous}.\n` : ''}
${callUs}

We never ask for bank details by email, and this message carries no link.
`;
  const html = frame(
    subject,
    `<p>Dear ${escapeHtml(d.clientName)},</p>
<p>Your payout bank account with ${escapeHtml(d.factorName)} was changed on <strong>${escapeHtml(d.changedOn)}</strong>. Your rebates will be paid to:</p>
<p style="font-size:15px"><strong>${escapeHtml(d.holderName)}</strong>, ${escapeHtml(d.account)}</p>
${d.previous ? `<p>It replaces ${escapeHtml(d.previous)}.</p>` : ''}
<p style="border-left:4px solid #b45309;padding-left:12px"><strong>${escapeHtml(callUs)}</strong></p>
<p style="color:#64748b">We never ask for bank details by email, and this message carries no link.</p>`,
  );
  return { subject, html, text };
}

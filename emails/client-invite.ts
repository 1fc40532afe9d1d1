import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface ClientInviteData {
  name: string;
  email: string;
  clientName: string;
  factorName: string;
  setPasswordUrl: string;
  expires: string;
}

/** Issue 7: a client user is invited to the portal; the link sets the first password. */
export function clientInvite(d: ClientInviteData): RenderedEmail {
  const subject = `You are invited to the ${d.clientName} reserve portal`;
  const text = `Hello ${d.name},

${d.factorName} invites you to see ${d.clientName}'s reserve online: balances, releases, rebate advices and monthly statements.

Choose your password here (the link works once, until ${d.expires}):
${d.setPasswordUrl}

You will then sign in as ${d.email}.
`;
  const html = frame(
    subject,
    `<p>Hello ${escapeHtml(d.name)},</p>
<p>${escapeHtml(d.factorName)} invites you to see <strong>${escapeHtml(d.clientName)}</strong>'s reserve online: balances, releases, rebate advices and monthly statements.</p>
<p><a href="${escapeHtml(d.setPasswordUrl)}" style="display:inline-block;padding:8px 16px;background:#0f766e;color:#fff;border-radius:6px;text-decoration:none">Choose your password</a></p>
<p style="font-size:12px;color:#64748b">The link works once, until ${escapeHtml(d.expires)}. You will then sign in as ${escapeHtml(d.email)}.</p>`,
  );
  return { subject, html, text };
}

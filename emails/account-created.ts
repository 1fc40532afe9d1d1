import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface AccountCreatedData {
  name: string;
  email: string;
  role: string;
  signInUrl: string;
}

/** Sent when an administrator creates a user. */
export function accountCreated(data: AccountCreatedData): RenderedEmail {
  const subject = 'Your Holdback account';
  const text = `Hello ${data.name},

An account was created for you in Holdback with the role "${data.role}".
Sign in as ${data.email} at ${data.signInUrl}
Your administrator will give you your password.
`;
  const html = frame(
    subject,
    `<p>Hello ${escapeHtml(data.name)},</p>
<p>An account was created for you in Holdback with the role <strong>${escapeHtml(data.role)}</strong>.</p>
<p>Sign in as <strong>${escapeHtml(data.email)}</strong> at <a href="${escapeHtml(data.signInUrl)}">${escapeHtml(data.signInUrl)}</a>.</p>
<p>Your administrator will give you your password.</p>`,
  );
  return { subject, html, text };
}

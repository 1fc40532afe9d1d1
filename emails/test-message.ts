import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface TestMessageData {
  requestedBy: string;
  at: string;
}

/** Settings → "Send a test email": proves the outbox and the mail server work. */
export function testMessage(data: TestMessageData): RenderedEmail {
  const subject = 'Holdback test email';
  const text = `This is a test email from Holdback, requested by ${data.requestedBy} at ${data.at}.
If you can read it, outgoing mail works.
`;
  const html = frame(
    subject,
    `<p>This is a test email from Holdback, requested by <strong>${escapeHtml(data.requestedBy)}</strong> at ${escapeHtml(data.at)}.</p>
<p>If you can read it, outgoing mail works.</p>`,
  );
  return { subject, html, text };
}

import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface AuditAnchorData {
  database: string;
  at: string;
  events: number;
  lastId: string;
  tipHash: string;
  /** the anchor exactly as written to the anchor file (one JSON line) */
  line: string;
}

/**
 * AUDIT_ANCHOR_EMAIL: each new anchor of the audit chain, so a copy lives outside the machine.
 * The JSON line is what audit:verify reads from AUDIT_ANCHOR_FILE; an operator can paste it back.
 */
export function auditAnchor(data: AuditAnchorData): RenderedEmail {
  const subject = `Holdback audit anchor: ${data.database}, ${data.events} events up to ${data.lastId}`;
  const text = `The audit log of ${data.database} had ${data.events} events up to event ${data.lastId} at ${data.at}; that event's hash is ${data.tipHash}.

Keep this email. If the log ever loses events, npm run audit:verify compares it with the latest anchor in
the anchor file (AUDIT_ANCHOR_FILE); this line can be appended to that file to restore the anchor:

${data.line}
`;
  const html = frame(
    subject,
    `<p>The audit log of <strong>${escapeHtml(data.database)}</strong> had <strong>${escapeHtml(data.events)}</strong> events up to event ${escapeHtml(data.lastId)} at ${escapeHtml(data.at)}; that event's hash is <code>${escapeHtml(data.tipHash)}</code>.</p>
<p>Keep this email. If the log ever loses events, <code>npm run audit:verify</code> compares it with the latest anchor in the anchor file (<code>AUDIT_ANCHOR_FILE</code>); this line can be appended to that file to restore the anchor:</p>
<pre style="white-space: pre-wrap; word-break: break-all; background: #f1f5f9; padding: 8px;">${escapeHtml(data.line)}</pre>`,
  );
  return { subject, html, text };
}

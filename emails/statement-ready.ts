import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface StatementReadyData {
  clientName: string;
  statementId: string;
  /** "January 2026" or "2026-01-05 to 2026-02-04" */
  periodLabel: string;
  from: string;
  to: string;
  /** per currency, decimal strings for people ("1,900.00") */
  balances: { currency: string; opening: string; closing: string }[];
  /** where the client signs in to download it */
  url: string;
}

/** SPEC 7 "statements": the notice that a reserve statement is ready, to each contact who wants it. */
export function statementReady(d: StatementReadyData): RenderedEmail {
  const subject = `Your reserve statement for ${d.periodLabel} is ready`;
  const cell = 'padding:4px 8px;border-bottom:1px solid #e2e8f0';
  const rows = d.balances
    .map(
      (b) =>
        `<tr><td style="${cell}">${escapeHtml(b.currency)}</td><td style="${cell};text-align:right">${escapeHtml(b.opening)}</td><td style="${cell};text-align:right"><strong>${escapeHtml(b.closing)}</strong></td></tr>`,
    )
    .join('');
  const html = frame(
    subject,
    `<p>Dear ${escapeHtml(d.clientName)},</p>
<p>Your reserve statement for <strong>${escapeHtml(d.periodLabel)}</strong> (${escapeHtml(d.from)} to ${escapeHtml(d.to)}) is ready as a PDF.</p>
<table style="border-collapse:collapse;width:100%;font-size:13px">
  <tr><th style="${cell};text-align:left">Currency</th><th style="${cell};text-align:right">Reserve held at the start</th><th style="${cell};text-align:right">Reserve held at the end</th></tr>
  ${rows}
</table>
<p style="margin-top:16px"><a href="${escapeHtml(d.url)}">Sign in to download statement ${escapeHtml(d.statementId)}</a></p>`,
  );
  const text = `Dear ${d.clientName},

Your reserve statement for ${d.periodLabel} (${d.from} to ${d.to}) is ready as a PDF.

${d.balances.map((b) => `  ${b.currency}: held at the start ${b.opening}, held at the end ${b.closing}`).join('\n')}

Sign in to download statement ${d.statementId}: ${d.url}
`;
  return { subject, html, text };
}

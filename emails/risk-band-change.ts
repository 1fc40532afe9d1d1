import { escapeHtml, frame, type RenderedEmail } from './layout';

export interface RiskBandChangeData {
  clientName: string;
  /** what happened: the job proposed new terms, applied them itself, or an approver decided */
  event: 'proposed' | 'applied' | 'approved' | 'rejected';
  score: number;
  /** the bands as people read them ("80–89"); fromBand null: the agreement had no risk score */
  fromBand: string | null;
  toBand: string;
  /** percent strings: "15%" */
  reserveRate: string;
  holdDays: number;
  /** YYYY-MM-DD: from when the terms apply (null while proposed: from the approval date) */
  effectiveFrom: string | null;
  /** the approver's reason, on a rejection */
  reason: string | null;
  url: string;
}

const SAID: Record<RiskBandChangeData['event'], string> = {
  proposed: 'New reserve terms are proposed and wait for an approver',
  applied: 'New reserve terms were applied automatically',
  approved: 'The proposed reserve terms were approved',
  rejected: 'The proposed reserve terms were rejected',
};

/** Issue 16 item 1: a client's measured risk moved it to another band — sent to each underwriter. */
export function riskBandChange(d: RiskBandChangeData): RenderedEmail {
  const subject = `Risk band ${d.event === 'rejected' ? 'change rejected' : 'change'}: ${d.clientName} ${d.fromBand ?? 'unscored'} → ${d.toBand}`;
  const rows: [string, string][] = [
    ['Client', d.clientName],
    ['Risk score', `${d.score} of 100`],
    ['Band', `${d.fromBand ?? 'no risk score'} → ${d.toBand}`],
    ['Reserve rate', d.reserveRate],
    ['Holding period', `${d.holdDays} days`],
    ['Effective from', d.effectiveFrom ?? 'the day an approver accepts it'],
    ...(d.reason ? ([['Reason', d.reason]] as [string, string][]) : []),
  ];
  const text = `${SAID[d.event]}.

${rows.map(([k, v]) => `${k}: ${v}`).join('\n')}

Earlier fundings keep the reserve rate they were funded at; the next funding uses the new one.

Open the client in Holdback: ${d.url}
`;
  const html = frame(
    subject,
    `<p>${escapeHtml(SAID[d.event])}.</p>
<table style="border-collapse: collapse; font-size: 14px;">
${rows.map(([k, v]) => `  <tr><td style="padding: 2px 12px 2px 0; color: #64748b;">${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
<p>Earlier fundings keep the reserve rate they were funded at; the next funding uses the new one.</p>
<p><a href="${escapeHtml(d.url)}">Open the client in Holdback</a></p>`,
  );
  return { subject, html, text };
}

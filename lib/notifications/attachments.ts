import type { Tx } from '../../db/client';
import type { MailAttachment } from './transport';

/**
 * The files an outbox email is sent with, built when it is sent from what the row already says —
 * no attachment is stored in the outbox (no schema change; the table keeps text only). Today one
 * kind: a rebate advice (`rebate:<releaseId>:<address>`, with its client) carries the advice as a
 * PDF (lib/portal/advice-pdf.ts), read from the release's journal entry, which never changes — so
 * a retried email carries the same figures as the first attempt and as the portal's advice.
 */
export interface OutboxRow {
  template: string;
  dedupeKey: string | null;
  clientId: number | null;
}

export async function attachmentsFor(tx: Tx, row: OutboxRow): Promise<MailAttachment[]> {
  const release = adviceRelease(row);
  if (!release) return [];
  // Loaded when needed: lib/portal reaches lib/statements and lib/releases, which queue emails here.
  const { adviceFilename, loadAdvice } = await import('../portal/advice');
  const { renderAdvicePdf } = await import('../portal/advice-pdf');
  const advice = await loadAdvice(tx, release.clientId, release.releaseId);
  return [{ filename: adviceFilename(release.releaseId), content: await renderAdvicePdf(advice), contentType: 'application/pdf' }];
}

/** The release a rebate advice email is about, or null for any other email. */
export function adviceRelease(row: OutboxRow): { clientId: number; releaseId: number } | null {
  if (row.template !== 'rebate_advice' || row.clientId === null || row.dedupeKey === null) return null;
  const m = /^rebate:(\d{1,15}):/.exec(row.dedupeKey);
  return m ? { clientId: row.clientId, releaseId: Number(m[1]) } : null;
}

import type { Tx } from '../../db/client';
import { sendIdOfDedupeKey } from '../debtor-statements/labels';
import type { MailAttachment } from './transport';

/**
 * The files an outbox email is sent with, built when it is sent from what the row already says —
 * no attachment is stored in the outbox (no schema change; the table keeps text only). Two kinds:
 * - a rebate advice (`rebate:<releaseId>:<address>`, with its client) carries the advice as a
 *   PDF (lib/portal/advice-pdf.ts), read from the release's journal entry, which never changes —
 *   so a retried email carries the same figures as the first attempt and as the portal's advice;
 * - issue 15: a debtor statement or reminder (`debtor-statement:<sendId>`) carries the statement
 *   as a PDF (lib/debtor-statements/render.ts), built from the send's record — its document and
 *   lines, the balances and remittance instructions of the day it was sent, which never change.
 */
export interface OutboxRow {
  template: string;
  dedupeKey: string | null;
  clientId: number | null;
}

export async function attachmentsFor(tx: Tx, row: OutboxRow): Promise<MailAttachment[]> {
  const statement = statementSend(row);
  if (statement !== null) {
    const { sentStatementPdf } = await import('../debtor-statements/statement');
    const file = await sentStatementPdf(tx.sql, statement);
    // a send the outbox cannot find is a bug to see, not an email to send without its statement
    if (!file) throw new Error(`debtor statement send ${statement} not found: the email is not sent without its PDF`);
    return [{ filename: file.filename, content: file.pdf, contentType: 'application/pdf' }];
  }
  const release = adviceRelease(row);
  if (!release) return [];
  // Loaded when needed: lib/portal reaches lib/statements and lib/releases, which queue emails here.
  const { adviceFilename, loadAdvice } = await import('../portal/advice');
  const { renderAdvicePdf } = await import('../portal/advice-pdf');
  const advice = await loadAdvice(tx, release.clientId, release.releaseId);
  return [{ filename: adviceFilename(release.releaseId), content: await renderAdvicePdf(advice), contentType: 'application/pdf' }];
}

/** What an email's attachments are built from, as a key (one build per key in a batch), or null for none. */
export function attachmentKey(row: OutboxRow): string | null {
  const send = statementSend(row);
  if (send !== null) return `debtor-statement:${send}`;
  const release = adviceRelease(row);
  return release ? `rebate:${release.clientId}:${release.releaseId}` : null;
}

/** The release a rebate advice email is about, or null for any other email. */
export function adviceRelease(row: OutboxRow): { clientId: number; releaseId: number } | null {
  if (row.template !== 'rebate_advice' || row.clientId === null || row.dedupeKey === null) return null;
  const m = /^rebate:(\d{1,15}):/.exec(row.dedupeKey);
  return m ? { clientId: row.clientId, releaseId: Number(m[1]) } : null;
}

/** The debtor statement send an email carries, or null for any other email. */
export function statementSend(row: OutboxRow): number | null {
  return row.template === 'debtor_statement' ? sendIdOfDedupeKey(row.dedupeKey) : null;
}

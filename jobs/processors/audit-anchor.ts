import type { Job } from 'bullmq';
import type { Database } from '../../db/client';
import { anchorOptions } from '../../lib/audit/anchor';
import { anchorAuditChain } from '../../lib/audit/verify';
import { kickOutbox } from '../queues';

/**
 * Hourly: the audit chain's length and tip appended to AUDIT_ANCHOR_FILE (and emailed to
 * AUDIT_ANCHOR_EMAIL). A chain that no longer holds the last anchor fails the job, naming the
 * break, and writes nothing (a new anchor would hide the loss).
 */
export function auditAnchorProcessor(database: Database) {
  return async (_job: Job) => {
    const { breaks, anchor } = await anchorAuditChain(database, anchorOptions());
    if (anchor.emailedTo.length > 0) await kickOutbox();
    if (breaks.length > 0) throw new Error(`audit chain break: ${breaks.map((b) => b.message).join(' | ')}`);
    return { events: anchor.written?.events ?? 0, lastId: anchor.written?.lastId ?? null, file: anchor.file, note: anchor.note };
  };
}

import type { Database } from '../../db/client';
import { anchorOptions } from '../../lib/audit/anchor';
import { anchorAuditChain } from '../../lib/audit/verify';
import { DomainError } from '../../lib/errors';
import { defineProcessor } from '../processor';
import { JOB_DATA, QUEUE_NAMES, kickOutbox } from '../queues';

/**
 * Hourly: the audit chain's length and tip appended to AUDIT_ANCHOR_FILE (and emailed to
 * AUDIT_ANCHOR_EMAIL). A chain that no longer holds the last anchor fails the job, naming the
 * break, and writes nothing (a new anchor would hide the loss); trying again cannot mend it, so it
 * is not retried (409 `audit_chain_break`).
 */
export function auditAnchorProcessor(database: Database) {
  return defineProcessor({
    name: QUEUE_NAMES.auditAnchor,
    data: JOB_DATA['audit-anchor'],
    // The anchors are its record (AUDIT_ANCHOR_FILE), not job_runs.
    record: false,
    run: async () => {
      const { breaks, anchor } = await anchorAuditChain(database, anchorOptions());
      if (anchor.emailedTo.length > 0) await kickOutbox();
      if (breaks.length > 0) throw new DomainError('audit_chain_break', `audit chain break: ${breaks.map((b) => b.message).join(' | ')}`, { status: 409 });
      return { events: anchor.written?.events ?? 0, lastId: anchor.written?.lastId ?? null, file: anchor.file, note: anchor.note };
    },
  })(database);
}

import { closeDatabase, getDatabase, selectDatabaseProfile } from '../db/client';
import { verifyAndAnchor } from '../lib/audit/verify';

/**
 * `npm run audit:verify`: the audit chain, the ledger and reserve invariants, and the chain
 * against the latest anchor in AUDIT_ANCHOR_FILE (written outside the database); appends a new
 * anchor when the chain is intact (and emails it to AUDIT_ANCHOR_EMAIL). Non-zero on any break.
 * Runs as the app role, like the web server (APP_DATABASE_URL, db/urls.ts).
 */
// A bulk script: no web statement timeout (db/client).
selectDatabaseProfile('batch');
const database = getDatabase();
try {
  const report = await verifyAndAnchor(database);
  console.log(`audit chain: ${report.auditEvents} events checked`);
  if (report.anchor) console.log(`anchor: ${report.anchor.note}`);
  console.log(`ledger: ${report.entries} entries, ${report.lines} lines, ${report.accounts} accounts checked`);
  if (report.ok) {
    console.log('OK: the audit chain is intact and every ledger invariant holds');
  } else {
    for (const b of report.breaks) console.error(`BREAK [${b.kind}] ${b.message}`);
    console.error(`FAILED: ${report.breaks.length} break(s) found`);
  }
  await closeDatabase();
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  console.error('audit:verify could not run:', error instanceof Error ? error.message : error);
  await closeDatabase().catch(() => {});
  process.exit(2);
}

import { closeDatabase, getDatabase, useDatabaseProfile } from '../db/client';
import { verifyAll } from '../lib/audit/verify';

/** `npm run audit:verify`: the audit chain and the ledger invariants; non-zero on any break. */
// A bulk script: no web statement timeout (db/client).
useDatabaseProfile('batch');
const database = getDatabase();
try {
  const report = await verifyAll(database.sql);
  console.log(`audit chain: ${report.auditEvents} events checked`);
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

import { createDatabase } from '../../db/client';
import { ident } from '../../db/roles';
import { systemActor } from '../../lib/auth/actor';
import { addDays } from '../../lib/dates';
import { generatePortfolio } from '../../lib/demo/generate';
import { runAccrual } from '../../lib/fees/accrual';
import { createTestDatabase, type TestDatabase } from './db';
import { withAdmin } from './pg';

/**
 * The volume the plan checks run at (issue 13): 100,000 invoices of 1,000 clients funded over 100
 * days (about a quarter paid and settled), with VOLUME_ACCRUAL_DAYS days of fee accrual through
 * the real daily run — seeded ONCE per test run, by whichever file asks first (the others wait on
 * an advisory lock), into a database the global setup named (`volumeDb`) and drops at the end.
 * Each file gets its own clone (CREATE DATABASE … TEMPLATE, seconds) to add what it needs.
 */
export const VOLUME_INVOICES = 100_000;
export const VOLUME_AS_OF = '2026-04-20';
export const VOLUME_ACCRUAL_DAYS = 5;

export async function createVolumeDatabase(log: (line: string) => void = console.log): Promise<TestDatabase> {
  // a late import: the global setup imports this module too, where vitest's test API cannot load
  const { inject } = await import('vitest');
  await ensureVolumeDatabase(inject('volumeDb'), inject('templateDb'), log);
  // The clone keeps the template's rows, table grants and statistics.
  return createTestDatabase({ template: inject('volumeDb') });
}

/**
 * Seeds the shared volume database `volume` unless it exists — under an advisory lock, so the
 * global setup's early start (a full run begins seeding while the first files run) and the files
 * that ask for it never seed twice: whoever comes second waits, then finds it ready.
 */
export async function ensureVolumeDatabase(volume: string, template: string, log: (line: string) => void = console.log): Promise<void> {
  await withAdmin(async (sql) => {
    await sql`select pg_advisory_lock(hashtext('holdback.test_volume'))`;
    try {
      if ((await sql`select 1 from pg_database where datname = ${volume}`).length > 0) return;
      // Seeded under another name, renamed when complete: the name existing means it is ready.
      const seeding = await createTestDatabase({ template });
      const setup = createDatabase(seeding.url, { max: 4 });
      try {
        const started = performance.now();
        const generated = await generatePortfolio(setup, {
          invoices: VOLUME_INVOICES,
          clients: 1_000,
          fundedFrom: '2026-01-05',
          days: 100,
          releaseMix: { asOf: VOLUME_AS_OF, settledShare: 0.3 },
        });
        const generatedIn = (performance.now() - started) / 1000;
        // Every client accrued through VOLUME_ACCRUAL_DAYS days before, then each day posted by the run.
        const accrualStart = performance.now();
        await setup.sql`
          insert into accrual_clients (client_id, accrued_through)
          select id, ${addDays(VOLUME_AS_OF, -VOLUME_ACCRUAL_DAYS)}::date from clients
          on conflict (client_id) do update set accrued_through = excluded.accrued_through`;
        const accrued = await runAccrual(setup, { asOf: VOLUME_AS_OF, by: systemActor('test:fee-accrual') });
        await setup.sql`vacuum analyze`;
        log(
          `[volume] ${VOLUME_INVOICES.toLocaleString('en-US')} invoices (${generated.settled.toLocaleString('en-US')} settled) generated in ${generatedIn.toFixed(1)} s; ` +
            `${accrued.dates.length} days of accrual (${accrued.postings.toLocaleString('en-US')} invoice-days) in ${((performance.now() - accrualStart) / 1000).toFixed(1)} s (seeded once, cloned per file)`,
        );
      } finally {
        await setup.close();
        await seeding.database.close();
        await seeding.admin.close();
      }
      await sql.unsafe(`alter database ${ident(seeding.name)} rename to ${ident(volume)}`);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('holdback.test_volume'))`;
    }
  });
}

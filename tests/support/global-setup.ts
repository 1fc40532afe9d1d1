import type { TestProject } from 'vitest/node';
import { ensureDatabase, migrateDatabase } from '../../db/migrate';
import { createdAt, testDatabaseName, urlFor, withAdmin } from './pg';
import { ensureVolumeDatabase } from './volume';

/** A test database left behind this long ago belongs to a run that crashed. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    /** the name the shared 100,000-invoice database of tests/support/volume.ts gets (made by the first file that asks) */
    volumeDb: string;
  }
}

/**
 * Migrates a template database once per run; every test file clones it. Leftovers of crashed
 * runs (databases nobody is connected to, created hours ago) are dropped first — never those of
 * a run going on beside this one, whose template sits idle between its migration and its clones.
 */
export default async function setup(project: TestProject) {
  const template = testDatabaseName('holdback_tpl');
  await withAdmin(async (sql) => {
    const idle = await sql<{ datname: string }[]>`
      select datname from pg_database d
       where (datname like 'holdback_t\\_%' or datname like 'holdback_tpl\\_%')
         and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`;
    const connected = await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname like 'holdback_t%'`;
    for (const { datname } of idle) {
      const created = createdAt(datname);
      const stale = created === null ? connected[0]!.n === 0 : Date.now() - created > STALE_AFTER_MS;
      if (stale) await sql.unsafe(`drop database if exists "${datname}"`).catch(() => {});
    }
  });
  await ensureDatabase(urlFor(template));
  await migrateDatabase(urlFor(template));
  project.provide('templateDb', template);
  const volume = testDatabaseName('holdback_tpl');
  project.provide('volumeDb', volume);
  // A whole run (no file named on the command line, or a volume file named) starts seeding the
  // shared volume database now, beside the first files, instead of when the first volume file
  // asks — then several workers would wait on its lock at once (tests/support/volume.ts).
  const named = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !/^\d+$/.test(a));
  const early =
    process.env.VOLUME_EARLY !== 'false' && (named.length === 0 || named.some((a) => a.includes('volume') || a.includes('query-plans')))
      ? ensureVolumeDatabase(volume, template, (line) => console.log(`${line} (started by the global setup)`)).catch((error: unknown) => {
          // a file that asks seeds it again (and fails with the reason, where it is tested)
          console.error('[volume] early seeding failed:', error);
        })
      : null;
  return async () => {
    await early;
    await withAdmin((sql) => sql.unsafe(`drop database if exists "${template}" with (force)`));
    await withAdmin((sql) => sql.unsafe(`drop database if exists "${volume}" with (force)`));
  };
}

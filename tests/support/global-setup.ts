import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, migrateDatabase } from '../../db/migrate';
import { urlFor, withAdmin } from './pg';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

/**
 * Migrates a template database once per run; every test file clones it. Leftovers of crashed
 * runs (databases nobody is connected to) are dropped first.
 */
export default async function setup(project: TestProject) {
  const template = `holdback_tpl_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (sql) => {
    const stale = await sql<{ datname: string }[]>`
      select datname from pg_database d
       where (datname like 'holdback_t\\_%' or datname like 'holdback_tpl\\_%')
         and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)
         and (select count(*) from pg_stat_activity a where a.datname like 'holdback_t%') = 0`;
    for (const { datname } of stale) await sql.unsafe(`drop database if exists "${datname}"`).catch(() => {});
  });
  await ensureDatabase(urlFor(template));
  await migrateDatabase(urlFor(template));
  project.provide('templateDb', template);
  return async () => {
    await withAdmin((sql) => sql.unsafe(`drop database if exists "${template}" with (force)`));
  };
}

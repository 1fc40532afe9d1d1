import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../db/client';
import { urlFor, withAdmin } from './pg';

export { urlFor, withAdmin } from './pg';

export interface TestDatabase {
  name: string;
  url: string;
  database: Database;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file, cloned from the template the global setup
 * migrated (STYLE: each test file gets its own database, so files run in parallel safely).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `holdback_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (sql) => {
    // Cloning needs the template to be idle; one clone at a time across test workers.
    await sql`select pg_advisory_lock(hashtext('holdback.test_clone'))`;
    try {
      await sql.unsafe(`create database "${name}" template "${inject('templateDb')}"`);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('holdback.test_clone'))`;
    }
  });
  const url = urlFor(name);
  const database = createDatabase(url, { max: 8 });
  return {
    name,
    url,
    database,
    async drop() {
      await database.close();
      await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

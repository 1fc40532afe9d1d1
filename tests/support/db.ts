import type postgres from 'postgres';
import { createDatabase, type Database } from '../../db/client';
import { ident, roleNames } from '../../db/roles';
import { urlAsRole } from '../../db/urls';
import { testDatabaseName, urlFor, withAdmin } from './pg';

export { urlFor, withAdmin } from './pg';

export interface TestDatabase {
  name: string;
  /** the operator's URL (a superuser): what DATABASE_URL is for a script run against this database */
  url: string;
  /** the app role's URL (what the web server and the workers connect as) */
  appUrl: string;
  /** connected as the app role (holdback_app), like the web server and the workers */
  database: Database;
  /** connected as the superuser, for what the app may not do (tampering tests, inspecting grants) */
  admin: Database;
  drop(): Promise<void>;
}

/**
 * The run's migrated template, provided by the global setup — read through a late import: this
 * module is imported by the global setup too (tests/support/volume.ts), where importing vitest's
 * test API at the top fails ("Vitest failed to access its internal state").
 */
async function templateDb(): Promise<string> {
  const { inject } = await import('vitest');
  return inject('templateDb');
}

/**
 * A fresh, migrated database for one test file, cloned from the template the global setup
 * migrated (STYLE: each test file gets its own database, so files run in parallel safely), or
 * from `template` (tests/support/volume.ts: the shared 100,000-invoice database).
 */
export async function createTestDatabase(options: { template?: string } = {}): Promise<TestDatabase> {
  const name = testDatabaseName('holdback_t');
  const roles = roleNames();
  await withAdmin(async (sql) => {
    // Cloning needs the template to be idle; one clone at a time across test workers.
    await sql`select pg_advisory_lock(hashtext('holdback.test_clone'))`;
    try {
      await sql.unsafe(`create database "${name}" template "${options.template ?? (await templateDb())}"`);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('holdback.test_clone'))`;
    }
    // The clone has the template's table grants; database-level ones belong to the database.
    await sql.unsafe(`grant connect, temporary on database ${ident(name)} to ${ident(roles.app)}`);
  });
  const url = urlFor(name);
  const appUrl = urlAsRole(url, roles.app);
  const database = createDatabase(appUrl, { max: 8 });
  const admin = createDatabase(url, { max: 2 });
  return {
    name,
    url,
    appUrl,
    database,
    admin,
    async drop() {
      await database.close();
      await admin.close();
      await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

/**
 * Runs `fn` in a transaction as the owner role (what migrations run as): it owns the tables, so
 * only the database's own guards (the append-only triggers) stand between it and the rows.
 */
export async function asOwner<T>(t: TestDatabase, fn: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await t.admin.sql.begin(async (sql) => {
    await sql.unsafe(`set local role ${ident(roleNames().owner)}`);
    return fn(sql);
  })) as T;
}

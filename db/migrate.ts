import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRoles, grantAppPrivileges, ident, prepareDatabaseForRoles, roleNames, type RoleNames } from './roles';
import { appDatabaseUrl, urlDatabase } from './urls';

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Creates the database named in `url` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${url} names no database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length > 0) return false;
    await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // Another process created it first.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Prepares the database named in `url` (the operator's DATABASE_URL, db/urls.ts) for the app:
 * the owner and app roles exist (db/roles.ts), what an earlier Holdback created is the owner's,
 * the migrations run as the owner (`SET ROLE`), and the app role gets its privileges. Idempotent;
 * answers what it changed about roles and ownership, one line each.
 */
export async function migrateDatabase(url: string, options: { roles?: RoleNames; appPassword?: string } = {}): Promise<string[]> {
  const roles = options.roles ?? roleNames();
  const appPassword = options.appPassword ?? (new URL(appDatabaseUrl()).password ? decodeURIComponent(new URL(appDatabaseUrl()).password) : undefined);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Two starters at once must not both migrate (nor grant: concurrent GRANTs on one table fail).
    await sql`select pg_advisory_lock(hashtext('holdback.migrate'))`;
    const done = await ensureRoles(sql, roles, { appPassword });
    done.push(...(await prepareDatabaseForRoles(sql, urlDatabase(url), roles)));
    const [me] = await sql<{ user: string }[]>`select current_user as user`;
    if (me!.user !== roles.owner) await sql.unsafe(`SET ROLE ${ident(roles.owner)}`);
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await grantAppPrivileges(sql, roles);
    await sql`RESET ROLE`;
    return done;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Which PostgreSQL role each process connects as (issue 11, least privilege):
 *
 * - `DATABASE_URL` is the operator's connection: a superuser, or a role with CREATEROLE that
 *   may act as the owner role. `npm start`, `npm run migrate`, the CLI's preparation step, the
 *   bulk generators (`npm run seed -- --invoices`, `npm run bench`) and the test setup use it to
 *   create the database and the roles, migrate (as `holdback_owner`) and grant.
 * - `APP_DATABASE_URL` is what the web server, the workers and every command of lib/ run as:
 *   `holdback_app`, which reads and writes rows but owns nothing, so it cannot disable the
 *   append-only triggers, and is no superuser, so it cannot set session_replication_role.
 *   Unset, it is DATABASE_URL with the user replaced by `holdback_app` and no password (enough
 *   with trust or peer authentication, or a ~/.pgpass line); a real deployment sets it, with the
 *   app role's password.
 */
/** The environment, or any plain map of its variables (tests). */
export type Env = Record<string, string | undefined>;

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/holdback';

/** The role the app connects as when APP_DATABASE_URL does not name one. */
export const APP_ROLE = 'holdback_app';
/** The role that owns the schema; migrations run as it. Never signs in. */
export const OWNER_ROLE = 'holdback_owner';

/** The operator's connection (DATABASE_URL): creates, migrates and grants. */
export function adminDatabaseUrl(env: Env = process.env): string {
  return env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** `url` signing in as `role`, without the password that belonged to the URL's own user. */
export function urlAsRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = '';
  return u.toString();
}

/** The app's connection: APP_DATABASE_URL, or DATABASE_URL as `holdback_app`. */
export function appDatabaseUrl(env: Env = process.env): string {
  return env.APP_DATABASE_URL || urlAsRole(adminDatabaseUrl(env), APP_ROLE);
}

/** The user a connection URL signs in as (postgres.js's default, the OS user, when it names none). */
export function urlUser(url: string): string {
  const u = new URL(url);
  return u.username ? decodeURIComponent(u.username) : process.env.PGUSER || process.env.USER || 'postgres';
}

/** The database a connection URL names. */
export function urlDatabase(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

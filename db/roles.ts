import type postgres from 'postgres';
import { APP_ROLE, OWNER_ROLE, appDatabaseUrl, urlUser, type Env } from './urls';

/**
 * Least privilege in Postgres (issue 11). Two roles:
 *
 * - the owner (`holdback_owner`, NOLOGIN, no superuser) owns every table, sequence and function;
 *   migrations run as it (db/migrate.ts: the operator's session `SET ROLE`s to it);
 * - the app (`holdback_app`, LOGIN, NOSUPERUSER, NOCREATEDB, NOCREATEROLE, no member of the
 *   owner) is what the web server and the workers connect as. It reads and writes rows but may
 *   not UPDATE, DELETE or TRUNCATE the ledger and the audit log, owns nothing (so it cannot
 *   disable a trigger) and is no superuser (so it cannot set session_replication_role). What the
 *   app needs an owner for goes through the owner's SECURITY DEFINER functions (migration 0015).
 *
 * Role names are the code's, so creating the roles and granting live here rather than in a
 * migration; every step is idempotent and runs on each `npm start`, migrate and test setup.
 */

/** The database refuses UPDATE, DELETE and TRUNCATE on these (0001, 0016, 0029; documents 0030; notes 0031; pair limits 0037, override revocations 0041): the app may read and append. */
export const APPEND_ONLY_TABLES = [
  'journal_entries',
  'journal_lines',
  'audit_events',
  'fee_accrual_lines',
  'invoice_verifications',
  'documents',
  'notes',
  'client_debtor_limits',
  'client_debtor_limit_overrides',
  'client_debtor_limit_override_revocations',
  'client_risk_scores',
] as const;
/** Rows the database never deletes (0003 triggers; debtors 0019; follow-ups 0031; intake flags 0037): the app gets no DELETE either. */
export const KEPT_TABLES = [
  'ledger_accounts',
  'clients',
  'invoices',
  'users',
  'debtors',
  'payout_batches',
  'payout_batch_items',
  'follow_ups',
  'invoice_flags',
] as const;

export interface RoleNames {
  owner: string;
  app: string;
}

/** The owner role, and the app role: the user of APP_DATABASE_URL (default `holdback_app`). */
export function roleNames(env: Env = process.env): RoleNames {
  const url = appDatabaseUrl(env);
  // Without a user the app would sign in as the OS user, which is not the role granted here.
  if (!new URL(url).username)
    throw new RoleSetupError(`APP_DATABASE_URL must name the role the app signs in as (e.g. postgres://${APP_ROLE}:PASSWORD@host/holdback)`);
  return { owner: OWNER_ROLE, app: urlUser(url) };
}

/** A setup step the connected user may not do: the message says what to run instead. */
export class RoleSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleSetupError';
  }
}

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Another process created or changed the same role at the same moment (roles are cluster-wide). */
function isRace(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '42710' || code === '23505' || code === 'XX000';
}

async function createRole(sql: postgres.Sql, statement: string): Promise<void> {
  try {
    await sql.unsafe(statement);
  } catch (error) {
    if (!isRace(error)) throw error;
  }
}

type Me = { user: string; rolsuper: boolean; rolcreaterole: boolean };

async function whoAmI(sql: postgres.Sql): Promise<Me> {
  const [me] = await sql<Me[]>`select current_user as user, rolsuper, rolcreaterole from pg_roles where rolname = current_user`;
  return me!;
}

function cannot(me: Me, roles: RoleNames, what: string, statements: string[]): RoleSetupError {
  return new RoleSetupError(
    `${what}, and ${me.user} (DATABASE_URL) is neither a superuser nor allowed to create roles. ` +
      `As a PostgreSQL superuser, run:\n${statements.map((s) => `  ${s};`).join('\n')}\n` +
      `then start Holdback again (or set DATABASE_URL to a superuser). The app connects as ${roles.app} (APP_DATABASE_URL).`,
  );
}

/**
 * Cluster-wide: creates the owner and app roles if missing (the DATABASE_URL user must be a
 * superuser or have CREATEROLE; otherwise a RoleSetupError names the statements to run), lets
 * the connected user act as the owner, and checks the app role has no power it must not have.
 * Returns what it did, one line each.
 */
export async function ensureRoles(sql: postgres.Sql, roles: RoleNames = roleNames(), options: { appPassword?: string } = {}): Promise<string[]> {
  const done: string[] = [];
  const me = await whoAmI(sql);
  const canCreate = me.rolsuper || me.rolcreaterole;
  if (me.user === roles.app) {
    throw new RoleSetupError(
      `DATABASE_URL signs in as ${roles.app}, the app's own role, which may not create, migrate or grant. ` +
        `Set DATABASE_URL to a superuser (or a role with CREATEROLE) and APP_DATABASE_URL to ${roles.app}'s connection.`,
    );
  }
  const exists = async (name: string) => (await sql`select 1 from pg_roles where rolname = ${name}`).length > 0;

  if (!(await exists(roles.owner))) {
    const statement = `CREATE ROLE ${ident(roles.owner)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`;
    if (!canCreate)
      throw cannot(me, roles, `The role ${roles.owner} (owns the schema) does not exist`, [statement, `GRANT ${ident(roles.owner)} TO ${ident(me.user)}`]);
    await createRole(sql, statement);
    done.push(`created role ${roles.owner} (owns the schema; migrations run as it)`);
  }
  if (!(await exists(roles.app))) {
    const password = options.appPassword ? ` PASSWORD ${literal(options.appPassword)}` : '';
    const statement = `CREATE ROLE ${ident(roles.app)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${password}`;
    if (!canCreate)
      throw cannot(me, roles, `The role ${roles.app} (the app connects as it) does not exist`, [statement.replace(/PASSWORD '.*'$/, "PASSWORD '…'")]);
    await createRole(sql, statement);
    done.push(`created role ${roles.app} (the web server and workers connect as it)`);
  }

  // The migration session SET ROLEs to the owner: a superuser may; anyone else must be a member.
  if (!me.rolsuper && me.user !== roles.owner) {
    const [m] = await sql<{ member: boolean }[]>`select pg_has_role(current_user, ${roles.owner}, 'MEMBER') as member`;
    if (!m!.member) {
      try {
        await sql.unsafe(`GRANT ${ident(roles.owner)} TO ${ident(me.user)}`);
        done.push(`granted ${roles.owner} to ${me.user} (migrations run as the owner)`);
      } catch {
        throw cannot(me, roles, `${me.user} may not act as ${roles.owner}`, [`GRANT ${ident(roles.owner)} TO ${ident(me.user)}`]);
      }
    }
  }

  // The app role must stay powerless: no superuser, no role or database creation, no replication
  // or RLS bypass, and no membership of the owner or of any role that has those powers.
  const [app] = await sql<
    { rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolreplication: boolean; rolbypassrls: boolean; rolcanlogin: boolean }[]
  >`
    select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin from pg_roles where rolname = ${roles.app}`;
  if (app!.rolsuper) {
    // Never demote a superuser on our own: it may be someone's. Whoever set it up decides.
    throw new RoleSetupError(
      `The app role ${roles.app} (APP_DATABASE_URL) is a superuser: it could switch the ledger's guards off. ` +
        `Give the app a role of its own (the default ${APP_ROLE}, created by npm start), or as a superuser run: ALTER ROLE ${ident(roles.app)} NOSUPERUSER;`,
    );
  }
  if (app!.rolcreatedb || app!.rolcreaterole || app!.rolreplication || app!.rolbypassrls || !app!.rolcanlogin) {
    const statement = `ALTER ROLE ${ident(roles.app)} LOGIN NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`;
    try {
      await sql.unsafe(statement);
      done.push(`took CREATEDB, CREATEROLE, REPLICATION and BYPASSRLS away from ${roles.app}`);
    } catch {
      throw cannot(me, roles, `The app role ${roles.app} has powers it must not have`, [statement]);
    }
  }
  const memberOf = async () =>
    sql<{ rolname: string; direct: boolean }[]>`
      select r.rolname, exists (select 1 from pg_auth_members m join pg_roles a on a.oid = m.member where a.rolname = ${roles.app} and m.roleid = r.oid) as direct
        from pg_roles r
       where r.rolname <> ${roles.app} and (r.rolname = ${roles.owner} or r.rolsuper or r.rolcreaterole or r.rolcreatedb)
         and pg_has_role(${roles.app}, r.oid, 'MEMBER')`;
  for (const role of await memberOf()) {
    if (!role.direct) continue;
    try {
      await sql.unsafe(`REVOKE ${ident(role.rolname)} FROM ${ident(roles.app)}`);
      done.push(`revoked ${role.rolname} from ${roles.app}`);
    } catch {
      // reported below
    }
  }
  const still = await memberOf();
  if (still.length > 0) {
    throw new RoleSetupError(
      `The app role ${roles.app} is a member of ${still.map((r) => r.rolname).join(', ')}, which would let it act as an owner or superuser. ` +
        `As a PostgreSQL superuser, revoke that membership (REVOKE <role> FROM ${ident(roles.app)}), then start Holdback again.`,
    );
  }
  return done;
}

/**
 * Per database, before migrating: the owner may create in it and in its public schema (nobody
 * else may), the app may connect and create temporary tables (bulk jobs' scratch tables), and
 * whatever an earlier Holdback created as the DATABASE_URL user is handed to the owner.
 */
export async function prepareDatabaseForRoles(sql: postgres.Sql, database: string, roles: RoleNames = roleNames()): Promise<string[]> {
  const done: string[] = [];
  const owner = ident(roles.owner);
  const app = ident(roles.app);
  await sql.unsafe(`GRANT CONNECT, TEMPORARY, CREATE ON DATABASE ${ident(database)} TO ${owner}`);
  await sql.unsafe(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${app}`);
  await sql.unsafe(`REVOKE CREATE ON DATABASE ${ident(database)} FROM ${app}`);
  await sql.unsafe(`GRANT USAGE, CREATE ON SCHEMA public TO ${owner}`);
  await sql.unsafe(`GRANT USAGE ON SCHEMA public TO ${app}`);
  // Only the owner creates tables: not the app, not PUBLIC (Postgres before 15 let everyone).
  await sql.unsafe(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  await sql.unsafe(`REVOKE CREATE ON SCHEMA public FROM ${app}`);
  const moved = await transferOwnership(sql, roles.owner);
  if (moved > 0) done.push(`handed ${moved} existing object(s) to ${roles.owner}`);
  return done;
}

/**
 * An upgraded database: tables, views, sequences, functions and types of the public and drizzle
 * schemas (and the drizzle schema itself) that someone else owns become the owner's. Objects
 * owned by the bootstrap superuser cannot be REASSIGN OWNED, so each is altered by name. A
 * sequence owned by a table column follows its table.
 */
export async function transferOwnership(sql: postgres.Sql, ownerRole: string): Promise<number> {
  const owner = ident(ownerRole);
  const statements: string[] = [];
  const [schema] = await sql<{ owned: boolean }[]>`
    select n.nspowner = r.oid as owned from pg_namespace n, pg_roles r where n.nspname = 'drizzle' and r.rolname = ${ownerRole}`;
  if (schema && !schema.owned) statements.push(`ALTER SCHEMA drizzle OWNER TO ${owner}`);
  const relations = await sql<{ relkind: string; name: string }[]>`
    select c.relkind, format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
       and c.relowner <> (select oid from pg_roles where rolname = ${ownerRole})
       and not (c.relkind = 'S' and exists (
             select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
     order by c.relkind desc, c.oid`;
  const verb: Record<string, string> = { r: 'TABLE', p: 'TABLE', f: 'FOREIGN TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW', S: 'SEQUENCE' };
  for (const r of relations) statements.push(`ALTER ${verb[r.relkind]} ${r.name} OWNER TO ${owner}`);
  const routines = await sql<{ signature: string }[]>`
    select p.oid::regprocedure::text as signature
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('public', 'drizzle') and p.prokind in ('f', 'p')
       and p.proowner <> (select oid from pg_roles where rolname = ${ownerRole})`;
  for (const r of routines) statements.push(`ALTER ROUTINE ${r.signature} OWNER TO ${owner}`);
  const types = await sql<{ typtype: string; name: string }[]>`
    select t.typtype, format('%I.%I', n.nspname, t.typname) as name
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where n.nspname in ('public', 'drizzle') and t.typtype in ('e', 'd', 'r', 'm')
       and t.typowner <> (select oid from pg_roles where rolname = ${ownerRole})`;
  for (const t of types) statements.push(`ALTER ${t.typtype === 'd' ? 'DOMAIN' : 'TYPE'} ${t.name} OWNER TO ${owner}`);
  for (const s of statements) await sql.unsafe(s);
  return statements.length;
}

/**
 * Per database, after migrating, run as the owner: the app's privileges. Rows of every table,
 * but only SELECT and INSERT on the append-only ledger and audit log and no DELETE of what is
 * never deleted; no TRUNCATE, REFERENCES or TRIGGER anywhere; the sequences; the functions
 * (SECURITY DEFINER ones revoke PUBLIC in their migration). Default privileges give tables,
 * sequences and functions a later migration adds the same rows-level grants.
 */
export async function grantAppPrivileges(sql: postgres.Sql, roles: RoleNames = roleNames()): Promise<void> {
  const owner = ident(roles.owner);
  const app = ident(roles.app);
  const statements = [
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${app}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO ${app}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
    `REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${app}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON ${APPEND_ONLY_TABLES.join(', ')} FROM ${app}, PUBLIC`,
    `REVOKE DELETE, TRUNCATE ON ${KEPT_TABLES.join(', ')} FROM ${app}, PUBLIC`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${app}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${app}`,
    // The migrations' bookkeeping is the owner's alone.
    `REVOKE ALL ON SCHEMA drizzle FROM ${app}, PUBLIC`,
  ];
  for (const s of statements) await sql.unsafe(s);
}

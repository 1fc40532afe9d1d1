import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, ensureDatabase, migrateDatabase } from '../../db/migrate';
import { RoleSetupError, ensureRoles, ident, roleNames } from '../../db/roles';
import { urlAsRole } from '../../db/urls';
import { asOwner, createTestDatabase, urlFor, withAdmin, type TestDatabase } from '../support/db';
import { testDatabaseName } from '../support/pg';
import { aClient, aTeam } from '../support/builders';
import { post } from '../../lib/ledger';
import { systemActor } from '../../lib/auth/actor';
import { Big } from '../../lib/money';

/**
 * Issue 11, least privilege: the web server and the workers connect as holdback_app, which owns
 * nothing and is no superuser — so the append-only guards of the ledger and the audit log cannot
 * be switched off from the app's connection, whatever SQL reaches it.
 */
let t: TestDatabase;
const { owner, app } = roleNames();

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('the app role', () => {
  it('is what the test database (like the web server) connects as, and has no powers', async () => {
    const [me] = await t.database.sql<{ user: string }[]>`select current_user as user`;
    expect(me!.user).toBe(app);
    const [role] = await t.admin.sql<
      { rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolreplication: boolean; rolbypassrls: boolean; owner_member: boolean }[]
    >`
      select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, pg_has_role(${app}, ${owner}, 'MEMBER') as owner_member
        from pg_roles where rolname = ${app}`;
    expect(role).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false, owner_member: false });
    const [ownerRole] = await t.admin.sql<{ rolsuper: boolean; rolcanlogin: boolean }[]>`select rolsuper, rolcanlogin from pg_roles where rolname = ${owner}`;
    expect(ownerRole).toEqual({ rolsuper: false, rolcanlogin: false });
  });

  it('cannot disable a trigger, set session_replication_role, or become the owner', async () => {
    await expect(t.database.sql`alter table journal_lines disable trigger journal_lines_append_only`).rejects.toThrow(/must be owner of table journal_lines/);
    await expect(t.database.sql`alter table audit_events disable trigger all`).rejects.toThrow(/must be owner of table audit_events/);
    await expect(t.database.sql`drop trigger audit_events_append_only on audit_events`).rejects.toThrow(/must be owner of (table|relation) audit_events/);
    await expect(t.database.sql`set session_replication_role = replica`).rejects.toThrow(/permission denied to set parameter "session_replication_role"/);
    await expect(t.database.sql.unsafe(`set role ${ident(owner)}`)).rejects.toThrow(/permission denied to set role/);
    await expect(t.database.sql`alter table ledger_accounts drop constraint ledger_accounts_liability_not_in_debit`).rejects.toThrow(
      /must be owner of table ledger_accounts/,
    );
  });

  it('may not UPDATE, DELETE or TRUNCATE the ledger and the audit log (and the owner is stopped by the triggers)', async () => {
    const team = await aTeam(t.database);
    const client = await aClient(t.database, team);
    await t.database.transaction((tx) =>
      post(
        tx,
        {
          effectiveDate: '2026-03-01',
          kind: 'transfer',
          idempotencyKey: `roles-${client.id}`,
          clientId: Number(client.id),
          lines: [
            { account: 'cash', currency: 'USD', amount: new Big('1.00') },
            { account: 'client_due', currency: 'USD', clientId: Number(client.id), amount: new Big('-1.00') },
          ],
        },
        systemActor('test'),
      ),
    );
    await expect(t.database.sql`update journal_lines set amount = 0`).rejects.toThrow(/permission denied for table journal_lines/);
    await expect(t.database.sql`delete from audit_events`).rejects.toThrow(/permission denied for table audit_events/);
    await expect(t.database.sql`update journal_entries set memo = 'x'`).rejects.toThrow(/permission denied for table journal_entries/);
    await expect(t.database.sql`truncate audit_events`).rejects.toThrow(/permission denied for table audit_events/);
    await expect(t.database.sql`delete from users`).rejects.toThrow(/permission denied for table users/);
    await expect(asOwner(t, (sql) => sql`update journal_lines set amount = 0`)).rejects.toThrow(/UPDATE on journal_lines is not allowed/);
    await expect(asOwner(t, (sql) => sql`delete from audit_events`)).rejects.toThrow(/DELETE on audit_events is not allowed/);
    // What the app does need still works: reading, appending, updating rows of ordinary tables.
    await t.database.sql`update clients set name = name where id = ${client.id}`;
    const [{ n }] = (await t.database.sql`select count(*)::int as n from journal_lines`) as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(0);
  });

  it('cannot create tables, but can create its own temporary scratch tables', async () => {
    await expect(t.database.sql`create table scratch_x (a int)`).rejects.toThrow(/permission denied for schema public/);
    await t.database.sql.begin(async (sql) => {
      await sql`create temp table scratch_y (a int) on commit drop`;
      await sql`insert into scratch_y values (1)`;
      await sql`analyze scratch_y`;
      await sql`truncate scratch_y`;
    });
    await expect(t.database.sql`select * from drizzle.__drizzle_migrations`).rejects.toThrow(/permission denied for schema drizzle/);
  });

  it('summarizes the BRIN index through the owner function, never directly', async () => {
    await expect(t.database.sql`select brin_summarize_new_values('journal_lines_entry_brin')`).rejects.toThrow(
      /must be owner of index journal_lines_entry_brin/,
    );
    const [row] = await t.database.sql<{ n: number }[]>`select holdback_summarize_ledger_indexes() as n`;
    expect(typeof row!.n).toBe('number');
    const [fn] = await t.admin.sql<{ owner: string; secdef: boolean; config: string[] }[]>`
      select pg_get_userbyid(proowner) as owner, prosecdef as secdef, proconfig as config from pg_proc where proname = 'holdback_summarize_ledger_indexes'`;
    expect(fn).toEqual({ owner, secdef: true, config: ['search_path=pg_catalog, pg_temp'] });
  });

  it('every table, sequence and function belongs to the owner; tables a later migration adds are granted too', async () => {
    const foreign = await t.admin.sql<{ name: string; owner: string }[]>`
      select c.relname as name, pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'p', 'S', 'v', 'm') and pg_get_userbyid(c.relowner) <> ${owner}`;
    expect(foreign).toEqual([]);
    // An extension's own functions (pg_trgm's, migration 0017) are the extension's, not the migrations'.
    const functions = await t.admin.sql<{ name: string }[]>`
      select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> ${owner}
         and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`;
    expect(functions).toEqual([]);
    // A table created by a later migration (as the owner) is the app's to use at once.
    await asOwner(t, (sql) => sql`create table later_table (id bigserial primary key, note text)`);
    await t.database.sql`insert into later_table (note) values ('granted by default privileges')`;
    expect(await t.database.sql`select note from later_table`).toEqual([{ note: 'granted by default privileges' }]);
  });
});

describe('npm start on an upgraded database', () => {
  it('hands what an older Holdback created as the superuser to the owner, then grants', async () => {
    const name = testDatabaseName('holdback_t');
    const url = urlFor(name);
    try {
      await ensureDatabase(url);
      // What migrateDatabase did before issue 11: migrate as the DATABASE_URL user (a superuser).
      const old = postgres(url, { max: 1, onnotice: () => {} });
      await migrate(drizzle(old), { migrationsFolder: MIGRATIONS_FOLDER });
      const [before] = await old<{ owner: string }[]>`select pg_get_userbyid(relowner) as owner from pg_class where relname = 'journal_lines'`;
      await old.end();
      expect(before!.owner).not.toBe(owner);

      const done = await migrateDatabase(url);
      expect(done.join('\n')).toMatch(/handed \d+ existing object\(s\) to holdback_owner/);
      const check = postgres(url, { max: 1, onnotice: () => {} });
      const owners = await check<{ owner: string }[]>`
        select distinct pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'S')`;
      const [schema] = await check<{ owner: string }[]>`select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = 'drizzle'`;
      await check.end();
      expect(owners).toEqual([{ owner }]);
      expect(schema!.owner).toBe(owner);
      // Run again: nothing left to hand over.
      expect(await migrateDatabase(url)).toEqual([]);
      const appSql = postgres(urlAsRole(url, app), { max: 1, onnotice: () => {} });
      await expect(appSql`alter table journal_entries disable trigger journal_entries_append_only`).rejects.toThrow(/must be owner/);
      expect(await appSql`select count(*)::int as n from journal_entries`).toEqual([{ n: 0 }]);
      await appSql.end();
    } finally {
      await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
    }
  }, 180_000); // every migration, twice
});

describe('creating the roles', () => {
  const suffix = randomBytes(3).toString('hex');
  const roles = { owner: `holdback_owner_t${suffix}`, app: `holdback_app_t${suffix}` };
  const weak = `holdback_weak_t${suffix}`;
  afterAll(async () => {
    await withAdmin(async (sql) => {
      for (const r of [roles.app, roles.owner, weak]) await sql.unsafe(`drop role if exists ${ident(r)}`);
    });
  });

  it('creates missing roles once, and takes powers away from an app role that has them', async () => {
    await withAdmin(async (sql) => {
      const done = await ensureRoles(sql, roles);
      expect(done).toEqual([
        `created role ${roles.owner} (owns the schema; migrations run as it)`,
        `created role ${roles.app} (the web server and workers connect as it)`,
      ]);
      expect(await ensureRoles(sql, roles)).toEqual([]);
      await sql.unsafe(`alter role ${ident(roles.app)} createdb`);
      await sql.unsafe(`grant ${ident(roles.owner)} to ${ident(roles.app)}`);
      const fixed = await ensureRoles(sql, roles);
      expect(fixed).toContain(`took CREATEDB, CREATEROLE, REPLICATION and BYPASSRLS away from ${roles.app}`);
      expect(fixed).toContain(`revoked ${roles.owner} from ${roles.app}`);
      const [r] = await sql<{ rolcreatedb: boolean; member: boolean }[]>`
        select rolcreatedb, pg_has_role(${roles.app}, ${roles.owner}, 'MEMBER') as member from pg_roles where rolname = ${roles.app}`;
      expect(r).toEqual({ rolcreatedb: false, member: false });
    });
  });

  it('refuses an app role that is a superuser, or an APP_DATABASE_URL naming no role', async () => {
    await withAdmin(async (sql) => {
      await sql.unsafe(`alter role ${ident(roles.app)} superuser`);
      try {
        await expect(ensureRoles(sql, roles)).rejects.toThrow(
          `The app role ${roles.app} (APP_DATABASE_URL) is a superuser: it could switch the ledger's guards off.`,
        );
      } finally {
        await sql.unsafe(`alter role ${ident(roles.app)} nosuperuser`);
      }
    });
    expect(() => roleNames({ APP_DATABASE_URL: 'postgres://127.0.0.1:5432/holdback' })).toThrow(RoleSetupError);
  });

  it('says what to run when DATABASE_URL may not create roles', async () => {
    await withAdmin((sql) => sql.unsafe(`create role ${ident(weak)} login nosuperuser nocreaterole`));
    const sql = postgres(urlAsRole(urlFor('postgres'), weak), { max: 1, onnotice: () => {} });
    try {
      const missing = { owner: `${roles.owner}_missing`, app: roles.app };
      const error = await ensureRoles(sql, missing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RoleSetupError);
      expect((error as Error).message).toContain(
        `The role ${missing.owner} (owns the schema) does not exist, and ${weak} (DATABASE_URL) is neither a superuser nor allowed to create roles. As a PostgreSQL superuser, run:`,
      );
      expect((error as Error).message).toContain(`CREATE ROLE "${missing.owner}" NOLOGIN`);
      expect((error as Error).message).toContain(`GRANT "${missing.owner}" TO "${weak}";`);
    } finally {
      await sql.end();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../lib/auth/actor';
import { hashApiKey } from '../../lib/auth/api-keys';
import { ACCOUNT_POLICY, authenticate } from '../../lib/auth/sign-in';
import { createUser, setUserDisabled } from '../../lib/users';
import { aClient, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { runScript } from '../support/run';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

describe('sign-in', () => {
  it('accepts the right password, stores only an argon2 hash and records the sign-in', async () => {
    const user = await aUser(t.database, 'funding', { password: 'a long passphrase' });
    const [row] = await t.database.sql<{ password_hash: string }[]>`select password_hash from users where id = ${user.userId}`;
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const signedIn = await authenticate(t.database, user.label.toUpperCase(), 'a long passphrase', '10.0.0.1');
    expect(signedIn).toMatchObject({ id: user.userId, role: 'funding' });
    const [event] = await t.database.sql`select action from audit_events where action = 'auth.sign_in' and target_id = ${String(user.userId)}`;
    expect(event).toBeDefined();
    const [{ last_sign_in_at }] = (await t.database.sql`select last_sign_in_at from users where id = ${user.userId}`) as unknown as [
      { last_sign_in_at: string | null },
    ];
    expect(last_sign_in_at).not.toBeNull();
  });

  it('refuses a wrong password, an unknown email and a disabled user', async () => {
    const user = await aUser(t.database, 'collections', { password: 'right password' });
    expect(await authenticate(t.database, user.label, 'wrong password', '10.0.0.2')).toBeNull();
    expect(await authenticate(t.database, 'nobody@test.holdback', 'whatever1', '10.0.0.2')).toBeNull();
    await t.database.transaction((tx) => setUserDisabled(tx, user.userId!, true, team.admin));
    expect(await authenticate(t.database, user.label, 'right password', '10.0.0.2')).toBeNull();
  });

  it('makes an account wait after its free failures, even with the right password, then lets the owner in (no lockout)', async () => {
    const user = await aUser(t.database, 'approver', { password: 'right password' });
    const now = new Date('2026-03-02T09:00:00Z');
    const clock = { now: () => now };
    for (let i = 0; i < ACCOUNT_POLICY.free; i += 1) expect(await authenticate(t.database, user.label, `guess ${i}`, '10.0.0.3', clock)).toBeNull();
    await expect(authenticate(t.database, user.label, 'right password', '10.0.0.3', clock)).rejects.toThrow(
      'Too many failed sign-ins for this account. Wait 1 second and try again.',
    );
    // another user is not affected
    const other = await aUser(t.database, 'approver', { password: 'right password' });
    expect(await authenticate(t.database, other.label, 'right password', '10.0.0.4', clock)).toMatchObject({ id: other.userId });
    // a second later the owner is in
    const later = { now: () => new Date(now.getTime() + 1000) };
    expect(await authenticate(t.database, user.label, 'right password', '10.0.0.3', later)).toMatchObject({ id: user.userId });
  });
});

describe('users and keys', () => {
  it('only admins create users; client users need their client', async () => {
    await expect(t.database.transaction((tx) => createUser(tx, { email: 'x@test.holdback', role: 'funding' }, team.funding))).rejects.toMatchObject({
      status: 403,
    });
    await expect(t.database.transaction((tx) => createUser(tx, { email: 'c@test.holdback', role: 'client' }, team.admin))).rejects.toMatchObject({
      status: 400,
      details: { clientId: 'Client is required for a client user: choose the client it belongs to' },
    });
    await expect(t.database.transaction((tx) => createUser(tx, { email: 'not-an-email', role: 'auditor' }, team.admin))).rejects.toMatchObject({
      status: 400,
      details: { email: 'Email must be an email address such as ap@example.com' },
    });
  });

  it('npm run cli -- create-user prints a working API key alone on the last line, and reuses the user', async () => {
    const client = await aClient(t.database, team);
    const first = await runScript('cli', ['create-user', '--email', 'Portal@Client.test', '--role', 'client', '--client', client.id, '--api-key'], {
      DATABASE_URL: t.url,
    });
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    const key = lines[lines.length - 1]!;
    expect(key).toMatch(/^hb_[A-Za-z0-9_-]{43}$/);
    const [stored] = await t.database.sql<{ email: string; role: string; client_id: string }[]>`
      select u.email, u.role, u.client_id from api_keys k join users u on u.id = k.user_id where k.key_hash = ${hashApiKey(key)}`;
    expect(stored).toEqual({ email: 'portal@client.test', role: 'client', client_id: client.id });
    const second = await runScript('cli', ['create-user', '--email', 'portal@client.test', '--role', 'client', '--client', client.id, '--api-key'], {
      DATABASE_URL: t.url,
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('reusing user portal@client.test');
    const secondKey = second.stdout.trim().split('\n').pop()!;
    expect(secondKey).not.toBe(key);
    const bad = await runScript('cli', ['create-user', '--email', 'x@y.test', '--role', 'wizard'], { DATABASE_URL: t.url });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('role: Role must be one of: admin, underwriter');
  });

  it('disabling a user revokes its API keys', async () => {
    const out = await runScript('cli', ['create-user', '--email', 'bot@test.holdback', '--role', 'auditor', '--api-key'], { DATABASE_URL: t.url });
    const [user] = await t.database.sql<{ id: string }[]>`select id from users where email = 'bot@test.holdback'`;
    expect(out.code).toBe(0);
    await t.database.transaction((tx) => setUserDisabled(tx, Number(user!.id), true, systemActor('test')));
    const [key] = await t.database.sql<{ revoked_at: string | null }[]>`select revoked_at from api_keys where user_id = ${user!.id}`;
    expect(key!.revoked_at).not.toBeNull();
  });
});

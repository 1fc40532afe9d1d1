import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../lib/auth/sign-in';
import { sessionIsCurrent, signOutEverywhere } from '../../lib/auth/sessions';
import { setPassword, setUserDisabled } from '../../lib/users';
import { acceptInvite, inviteClientUser } from '../../lib/users/invite';
import { aClient, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { runScript } from '../support/run';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  process.env.AUTH_SECRET ??= 'sessions-test-secret';
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

async function versionOf(userId: number): Promise<number> {
  const [row] = await t.database.sql<{ session_version: number }[]>`select session_version from users where id = ${userId}`;
  return row!.session_version;
}

/** A session signed in now: the version its token carries (what currentActor compares). */
async function signedInSession(email: string, password: string): Promise<number> {
  const user = await authenticate(t.database, email, password, '192.0.2.9');
  expect(user).not.toBeNull();
  return user!.sessionVersion;
}

describe('session versions: what ends every session of a user', () => {
  it('sign-out bumps the version, so every copy of the cookie stops counting; a second, older cookie cannot sign the owner out again', async () => {
    const user = await aUser(t.database, 'collections', { password: 'collections password' });
    const token = await signedInSession(user.label, 'collections password');
    const otherBrowser = await signedInSession(user.label, 'collections password');
    expect(token).toBe(otherBrowser);
    expect(sessionIsCurrent(token, await versionOf(user.userId!))).toBe(true);

    expect(await t.database.transaction((tx) => signOutEverywhere(tx, user.userId!, token, user))).toBe(true);
    const now = await versionOf(user.userId!);
    expect(sessionIsCurrent(token, now)).toBe(false);
    expect(sessionIsCurrent(otherBrowser, now)).toBe(false);

    // The owner signs in again; an old copied cookie's sign-out changes nothing.
    const fresh = await signedInSession(user.label, 'collections password');
    expect(fresh).toBe(now);
    expect(await t.database.transaction((tx) => signOutEverywhere(tx, user.userId!, token, user))).toBe(false);
    expect(await t.database.transaction((tx) => signOutEverywhere(tx, user.userId!, undefined, user))).toBe(false);
    expect(sessionIsCurrent(fresh, await versionOf(user.userId!))).toBe(true);

    const [events] = await t.database.sql<
      { n: number }[]
    >`select count(*)::int as n from audit_events where action = 'auth.sign_out' and target_id = ${String(user.userId)}`;
    expect(events!.n).toBe(1);
  });

  it('a password change by the person or by an admin ends every session', async () => {
    const user = await aUser(t.database, 'funding', { password: 'first password' });
    const token = await signedInSession(user.label, 'first password');
    await t.database.transaction((tx) => setPassword(tx, user.userId!, 'second password', user));
    expect(sessionIsCurrent(token, await versionOf(user.userId!))).toBe(false);
    const second = await signedInSession(user.label, 'second password');
    await t.database.transaction((tx) => setPassword(tx, user.userId!, 'third password', team.admin));
    expect(sessionIsCurrent(second, await versionOf(user.userId!))).toBe(false);
  });

  it('npm run cli -- set-password (the admin reset) ends every session', async () => {
    const user = await aUser(t.database, 'auditor', { password: 'before the reset' });
    const token = await signedInSession(user.label, 'before the reset');
    const reset = await runScript('cli', ['set-password', '--email', user.label, '--password', 'after the reset'], { DATABASE_URL: t.url });
    expect(reset.code, reset.stderr).toBe(0);
    expect(sessionIsCurrent(token, await versionOf(user.userId!))).toBe(false);
    // and create-user --password on an existing user (it resets the password) does too
    const again = await signedInSession(user.label, 'after the reset');
    const reuse = await runScript('cli', ['create-user', '--email', user.label, '--role', 'auditor', '--password', 'reset once more'], { DATABASE_URL: t.url });
    expect(reuse.code, reuse.stderr).toBe(0);
    expect(sessionIsCurrent(again, await versionOf(user.userId!))).toBe(false);
  }, 600_000);

  it('choosing a password from an invitation link bumps the version too', async () => {
    const client = await aClient(t.database, team);
    const { user } = await t.database.transaction((tx) => inviteClientUser(tx, { email: 'invited@sessions.test', clientId: client.id }, team.admin));
    const [mail] = await t.database.sql<{ text: string }[]>`select text from email_outbox where template = 'client_invite' and "to" = 'invited@sessions.test'`;
    const token = /set-password\?token=([A-Za-z0-9_.-]+)/.exec(mail!.text)![1]!;
    const before = await versionOf(Number(user.id));
    await t.database.transaction((tx) => acceptInvite(tx, { token, password: 'chosen password', confirm: 'chosen password' }));
    expect(await versionOf(Number(user.id))).toBe(before + 1);
  });

  it('disabling a user ends its sessions for good: enabling it again does not bring them back', async () => {
    const user = await aUser(t.database, 'approver', { password: 'approver password' });
    const token = await signedInSession(user.label, 'approver password');
    await t.database.transaction((tx) => setUserDisabled(tx, user.userId!, true, team.admin));
    await t.database.transaction((tx) => setUserDisabled(tx, user.userId!, false, team.admin));
    expect(sessionIsCurrent(token, await versionOf(user.userId!))).toBe(false);
  });
});

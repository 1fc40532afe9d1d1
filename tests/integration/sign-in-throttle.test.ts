import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase } from '../../db/client';
import { clientIpFrom } from '../../lib/http/client-ip';
import { ACCOUNT_POLICY, ADDRESS_POLICY, AUDIT_BUDGET_POLICY, SIGN_IN_UNAVAILABLE, attemptSignIn, authenticate } from '../../lib/auth/sign-in';
import { aUser } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

/** The throttle's clock, moved by the tests instead of sleeping through waits. */
function aClock(start = Date.UTC(2026, 2, 2, 9, 0, 0)) {
  let ms = start;
  return {
    now: () => new Date(ms),
    advance: (by: number) => {
      ms += by;
    },
    at: () => ms,
  };
}

let auditMark = 0;
beforeEach(async () => {
  // Each test starts with no throttle state; audit rows are counted from here on.
  await t.database.sql`delete from auth_throttle`;
  const [row] = await t.database.sql<{ id: string | null }[]>`select max(id)::text as id from audit_events`;
  auditMark = Number(row!.id ?? 0);
});

async function auditSince(): Promise<{ action: string; target_id: string | null; ip: string | null; after: Record<string, unknown> | null }[]> {
  return t.database.sql`select action, target_id, ip, after from audit_events where id > ${auditMark} and action like 'auth.%' order by id`;
}

const countOf = (rows: { action: string }[], action: string) => rows.filter((r) => r.action === action).length;

async function throttleRow(scope: string, key: string) {
  const [row] = await t.database.sql<{ failures: number; suppressed: number; blocked_until: Date | null }[]>`
    select failures, suppressed, blocked_until from auth_throttle where scope = ${scope} and key = ${key}`;
  return row;
}

/** An attempt that may be refused with a wait: the refusal's message, or the outcome. */
async function attempt(email: string, password: string, ip: string | null, now: () => Date): Promise<'signed in' | 'wrong' | string> {
  try {
    return (await authenticate(t.database, email, password, ip, { now })) ? 'signed in' : 'wrong';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('sign-in throttling per account', () => {
  it('a thousand failures from rotating addresses on one account add a bounded number of audit rows, and the owner signs in after the short wait', async () => {
    const owner = await aUser(t.database, 'approver', { password: 'the owner knows this' });
    const clock = aClock();
    const outcomes: string[] = [];
    // an attacker guessing every 100 ms, from a new address each time
    for (let i = 0; i < 1000; i += 1) {
      outcomes.push(await attempt(owner.label, `guess ${i}`, `198.51.${Math.floor(i / 250)}.${i % 250}`, clock.now));
      clock.advance(100);
    }
    const judged = outcomes.filter((o) => o === 'wrong').length;
    const refused = outcomes.filter((o) => o.startsWith('Too many failed sign-ins for this account.'));
    expect(judged + refused.length).toBe(1000);
    // 5 free, then one guess per wait (1, 2, 4 … 32, 60 s) in 100 s: a handful, not a thousand
    expect(judged).toBeGreaterThanOrEqual(ACCOUNT_POLICY.free);
    expect(judged).toBeLessThanOrEqual(12);

    const events = await auditSince();
    expect(countOf(events, 'auth.sign_in_failed')).toBe(ACCOUNT_POLICY.free);
    expect(countOf(events, 'auth.sign_in_throttled')).toBe(1);
    expect(events.length).toBe(ACCOUNT_POLICY.free + 1);
    expect(events.filter((e) => e.action === 'auth.sign_in_failed').every((e) => e.after?.reason === 'wrong password')).toBe(true);
    // every failure is accounted for: audited one by one, or counted
    const row = await throttleRow('account', owner.label);
    expect(row!.suppressed).toBe(1000 - ACCOUNT_POLICY.free);
    expect(row!.failures).toBe(judged);
    // and the throttle table holds a row per judged address only, not one per attempt
    const [ips] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from auth_throttle where scope = 'ip'`;
    expect(ips!.n).toBe(judged);

    // The owner, from their own address, is told how long to wait — at most a minute …
    const told = await attempt(owner.label, 'the owner knows this', '192.0.2.10', clock.now);
    const wait = /^Too many failed sign-ins for this account\. Wait (\d+) seconds? and try again\.$/.exec(told);
    expect(wait, told).not.toBeNull();
    expect(Number(wait![1])).toBeLessThanOrEqual(60);
    // … and after it, signs in.
    clock.advance(Number(wait![1]) * 1000);
    expect(await attempt(owner.label, 'the owner knows this', '192.0.2.10', clock.now)).toBe('signed in');

    // The sign-in ends the account's window: one summary of the failures that were only counted.
    const after = await auditSince();
    const summary = after.filter((e) => e.action === 'auth.sign_in_failures_suppressed');
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ target_id: owner.label, after: { scope: 'account', suppressed: 1000 - ACCOUNT_POLICY.free + 1, why: 'signed in' } });
    expect(countOf(after, 'auth.sign_in')).toBe(1);
    expect(await throttleRow('account', owner.label)).toBeUndefined();
    expect(after.length).toBe(ACCOUNT_POLICY.free + 1 + 2);
  }, 600_000);

  it('parallel guesses cannot slip past the limit while passwords are being checked', async () => {
    const user = await aUser(t.database, 'controller', { password: 'right password here' });
    const clock = aClock();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(user.label, `parallel ${i}`, `203.0.113.${i}`, clock.now)));
    expect(outcomes.filter((o) => o === 'wrong')).toHaveLength(ACCOUNT_POLICY.free);
    expect(outcomes.filter((o) => o.startsWith('Too many failed sign-ins for this account. Wait 1 second'))).toHaveLength(20 - ACCOUNT_POLICY.free);
    expect(countOf(await auditSince(), 'auth.sign_in_failed')).toBe(ACCOUNT_POLICY.free);
  });

  it('waits double with each failure after the free ones, up to a minute, and the right password is not even checked during a wait', async () => {
    const user = await aUser(t.database, 'funding', { password: 'right password here' });
    const clock = aClock();
    for (let i = 0; i < ACCOUNT_POLICY.free; i += 1) expect(await attempt(user.label, 'wrong', '192.0.2.1', clock.now)).toBe('wrong');
    const waits: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const refusal = await attempt(user.label, 'right password here', '192.0.2.1', clock.now);
      waits.push(refusal);
      const seconds = Number(/Wait (\d+) second/.exec(refusal)?.[1]);
      clock.advance(seconds * 1000);
      expect(await attempt(user.label, 'wrong again', '192.0.2.1', clock.now)).toBe('wrong');
    }
    expect(waits.map((w) => /Wait (.*) and try again/.exec(w)?.[1])).toEqual([
      '1 second',
      '2 seconds',
      '4 seconds',
      '8 seconds',
      '16 seconds',
      '32 seconds',
      '60 seconds',
      '60 seconds',
    ]);
    clock.advance(59_000);
    expect(await attempt(user.label, 'right password here', '192.0.2.1', clock.now)).toMatch(/Wait 1 second/);
    clock.advance(1_000);
    expect(await attempt(user.label, 'right password here', '192.0.2.1', clock.now)).toBe('signed in');
    // the account starts over: five free failures again
    for (let i = 0; i < ACCOUNT_POLICY.free; i += 1) expect(await attempt(user.label, 'wrong', '192.0.2.1', clock.now)).toBe('wrong');
  });
});

describe('sign-in throttling per address', () => {
  it('holds for an address trying many accounts (even behind a forged X-Forwarded-For), while another person signs in', async () => {
    const victim = await aUser(t.database, 'approver', { password: 'victim password' });
    const other = await aUser(t.database, 'collections', { password: 'other password' });
    const clock = aClock();
    // Without TRUST_PROXY the forged entries before the web server's own are not believed.
    const from = (i: number) => clientIpFrom(`10.${i % 200}.${i % 7}.1, 203.0.113.66`, 0);
    expect(new Set([from(1), from(2), from(3)])).toEqual(new Set(['203.0.113.66']));
    for (let i = 0; i < ADDRESS_POLICY.free; i += 1) {
      expect(await attempt(`nobody-${i}@spray.test`, 'password1', from(i), clock.now)).toBe('wrong');
      clock.advance(10);
    }
    // the address waits, whatever account it tries, even with the right password
    expect(await attempt(victim.label, 'victim password', from(99), clock.now)).toBe(
      'Too many failed sign-ins from your network address. Wait 1 second and try again.',
    );
    for (let i = 0; i < 50; i += 1)
      expect(await attempt(`more-${i}@spray.test`, 'x', from(100 + i), clock.now)).toMatch(/^Too many failed sign-ins from your network address\./);
    // the victim's account itself is untouched: its owner signs in from elsewhere
    // (a refusal creates no rows: a flood of refused attempts from new addresses leaves nothing behind)
    expect(await throttleRow('account', victim.label)).toBeUndefined();
    const [rows] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from auth_throttle where key like 'more-%'`;
    expect(rows!.n).toBe(0);
    expect(await attempt(victim.label, 'victim password', '192.0.2.44', clock.now)).toBe('signed in');
    expect(await attempt(other.label, 'other password', '192.0.2.45', clock.now)).toBe('signed in');

    const events = await auditSince();
    expect(countOf(events, 'auth.sign_in_failed')).toBe(ADDRESS_POLICY.free);
    expect(events.filter((e) => e.action === 'auth.sign_in_throttled').map((e) => e.target_id)).toEqual(['203.0.113.66']);
    expect(events.filter((e) => e.action === 'auth.sign_in_failed').every((e) => e.ip === '203.0.113.66' && e.after?.reason === 'unknown email')).toBe(true);
    expect(await throttleRow('ip', '203.0.113.66')).toMatchObject({ failures: ADDRESS_POLICY.free, suppressed: 51 });

    // after its wait the address is judged again, and each further failure doubles the wait
    clock.advance(1_000);
    expect(await attempt('nobody-again@spray.test', 'x', from(7), clock.now)).toBe('wrong');
    expect(await attempt('nobody-again@spray.test', 'x', from(8), clock.now)).toBe(
      'Too many failed sign-ins from your network address. Wait 2 seconds and try again.',
    );
  });

  it('grows the address wait to 15 minutes and no further', async () => {
    const clock = aClock();
    let last = '';
    for (let i = 0; i < 40; i += 1) {
      last = await attempt(`spray-${i}@spray.test`, 'x', '198.18.0.1', clock.now);
      const seconds = /Wait (\d+) (second|minute)/.exec(last);
      if (seconds) {
        clock.advance(Number(seconds[1]) * (seconds[2] === 'minute' ? 60_000 : 1000));
        last = await attempt(`spray-${i}@spray.test`, 'x', '198.18.0.1', clock.now);
      }
    }
    expect(await attempt('one-more@spray.test', 'x', '198.18.0.1', clock.now)).toBe(
      'Too many failed sign-ins from your network address. Wait 15 minutes and try again.',
    );
  });
});

describe('counted failures get their summary', () => {
  it('when the throttle window ends, the next attempt on the key writes one summary', async () => {
    const clock = aClock();
    const email = 'summary-window@spray.test';
    for (let i = 0; i < ACCOUNT_POLICY.free; i += 1) await attempt(email, 'x', `192.0.2.${100 + i}`, clock.now);
    for (let i = 0; i < 30; i += 1) expect(await attempt(email, 'x', `192.0.2.${150 + i}`, clock.now)).toMatch(/Wait 1 second/);
    expect(countOf(await auditSince(), 'auth.sign_in_failures_suppressed')).toBe(0);
    clock.advance(ACCOUNT_POLICY.forgetAfterMs);
    expect(await attempt(email, 'x', '192.0.2.200', clock.now)).toBe('wrong');
    const events = await auditSince();
    const summaries = events.filter((e) => e.action === 'auth.sign_in_failures_suppressed');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      target_id: email,
      after: { scope: 'account', key: email, suppressed: 30, failures: ACCOUNT_POLICY.free, why: 'window ended' },
    });
    // a new window: this failure was audited one by one again, and counts as the first
    expect(countOf(events, 'auth.sign_in_failed')).toBe(ACCOUNT_POLICY.free + 1);
    expect(await throttleRow('account', email)).toMatchObject({ failures: 1, suppressed: 0, blocked_until: null });
  });

  it('a key nobody tries again is summed up by a later sign-in of someone else, and its row is gone', async () => {
    const clock = aClock();
    const email = 'summary-sweep@spray.test';
    for (let i = 0; i < ACCOUNT_POLICY.free + 12; i += 1) await attempt(email, 'x', `192.0.2.${i + 1}`, clock.now);
    clock.advance(ADDRESS_POLICY.forgetAfterMs);
    const someone = await aUser(t.database, 'auditor', { password: 'someone else entirely' });
    expect(await attempt(someone.label, 'someone else entirely', '192.0.2.250', clock.now)).toBe('signed in');
    const summaries = (await auditSince()).filter((e) => e.action === 'auth.sign_in_failures_suppressed');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ target_id: email, after: { suppressed: 12, why: 'window ended' } });
    // the flood's per-address rows went with it
    const [left] = await t.database.sql<{ n: number }[]>`select count(*)::int as n from auth_throttle where scope <> 'global' and key <> '192.0.2.250'`;
    expect(left!.n).toBe(0);
  });

  it('random emails from rotating addresses are audited one by one only up to the audit budget', async () => {
    const clock = aClock();
    const total = AUDIT_BUDGET_POLICY.free + 40;
    for (let batch = 0; batch < total; batch += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, total - batch) }, (_, j) =>
          attempt(`random-${batch + j}@spray.test`, 'x', `100.64.${Math.floor((batch + j) / 200)}.${(batch + j) % 200}`, clock.now),
        ),
      );
      clock.advance(1000);
    }
    const events = await auditSince();
    expect(countOf(events, 'auth.sign_in_failed')).toBe(AUDIT_BUDGET_POLICY.free);
    expect(await throttleRow('global', 'sign-in')).toMatchObject({ failures: total, suppressed: 40 });
    // the next successful sign-in writes the summary of the budget's counted failures
    const someone = await aUser(t.database, 'auditor', { password: 'someone else entirely' });
    expect(await attempt(someone.label, 'someone else entirely', '192.0.2.251', clock.now)).toBe('signed in');
    const summaries = (await auditSince()).filter((e) => e.action === 'auth.sign_in_failures_suppressed');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ target_id: null, after: { scope: 'global', suppressed: 40, why: 'signed in' } });
  }, 600_000);
});

describe('sign-in when the database is down', () => {
  it('answers a plain sentence, never the connection string or the error', async () => {
    const down = createDatabase('postgres://postgres:s3cret-pw@127.0.0.1:1/holdback_nowhere', { max: 1 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const error = await attemptSignIn(down, 'admin@holdback.demo', 'whatever', '192.0.2.1').catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(SIGN_IN_UNAVAILABLE);
      expect((error as Error).message).not.toMatch(/127\.0\.0\.1|s3cret|ECONNREFUSED|holdback_nowhere/);
      expect(logged).toHaveBeenCalled(); // the details go to the server log
    } finally {
      logged.mockRestore();
      await down.close();
    }
  });

  it('a throttled attempt keeps its readable message through the same path', async () => {
    const clock = aClock();
    for (let i = 0; i < ACCOUNT_POLICY.free; i += 1) await attempt('edge@spray.test', 'x', null, clock.now);
    await expect(attemptSignIn(t.database, 'edge@spray.test', 'x', null, { now: clock.now })).rejects.toThrow(
      'Too many failed sign-ins for this account. Wait 1 second and try again.',
    );
  });
});

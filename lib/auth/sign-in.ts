import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database, Tx } from '../../db/client';
import { users } from '../../db/schema';
import { recordAudit, type AuditInput } from '../audit';
import { DomainError } from '../errors';
import type { Actor } from './actor';
import { verifyPassword } from './password';
import type { Role } from './roles';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  AUDIT_BUDGET_POLICY,
  afterFailure,
  backoffMs,
  describeWait,
  freshState,
  isThrottled,
  remainingWaitMs,
  windowEnded,
  type ThrottlePolicy,
  type ThrottleState,
} from './throttle';

export { ACCOUNT_POLICY, ADDRESS_POLICY, AUDIT_BUDGET_POLICY } from './throttle';

export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  clientId: number | null;
  /** carried in the session; sign-out and a password change bump it (lib/auth/sessions.ts) */
  sessionVersion: number;
}

/**
 * `auth_throttle` rows: 'account' (the email as typed, lower-cased, whether or not such a user
 * exists, so the answers do not tell which accounts exist), 'ip' (the client address from
 * lib/http/client-ip.ts), and one 'global' row that only budgets the audit log.
 */
type Scope = 'account' | 'ip' | 'global';
const POLICIES: Record<Scope, ThrottlePolicy> = { account: ACCOUNT_POLICY, ip: ADDRESS_POLICY, global: AUDIT_BUDGET_POLICY };
const GLOBAL_KEY = 'sign-in';

interface Key {
  scope: Scope;
  key: string;
}
interface Row extends Key, ThrottleState {}

export interface SignInOptions {
  /** the clock (tests move it instead of sleeping through a wait) */
  now?: () => Date;
}

function anonymous(email: string, ip: string | null): Actor {
  return { userId: null, label: email || 'anonymous', role: 'system', clientId: null, source: 'console', requestId: randomUUID(), ip };
}

const throttleActor = (): Actor => ({
  userId: null,
  label: 'sign-in throttle',
  role: 'system',
  clientId: null,
  source: 'console',
  requestId: randomUUID(),
  ip: null,
});

/** Creates the keys' rows if missing and locks them, in (scope, key) order so attempts never deadlock. */
async function lockKeys(tx: Tx, keys: Key[], now: Date): Promise<Row[]> {
  const sorted = [...keys].sort((a, b) => (a.scope === b.scope ? (a.key < b.key ? -1 : 1) : a.scope < b.scope ? -1 : 1));
  const rows = await tx.sql<RowRecord[]>`
    insert into auth_throttle as t (scope, key, window_started_at, updated_at)
    select s, k, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from unnest(${sorted.map((k) => k.scope)}::text[], ${sorted.map((k) => k.key)}::text[]) with ordinality as u(s, k, n)
     order by n
    on conflict (scope, key) do update set scope = t.scope
    returning t.scope, t.key, t.failures, t.window_started_at, t.blocked_until, t.suppressed, t.updated_at`;
  return rows.map(rowOf);
}

async function saveRows(tx: Tx, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  await tx.sql`
    update auth_throttle t
       set failures = v.failures, window_started_at = v.window_started_at, blocked_until = v.blocked_until,
           suppressed = v.suppressed, updated_at = v.updated_at
      from unnest(${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.failures)}::int[],
                  ${rows.map((r) => iso(r.windowStartedAt)) as never}::timestamptz[], ${rows.map((r) => iso(r.blockedUntil)) as never}::timestamptz[],
                  ${rows.map((r) => r.suppressed)}::int[], ${rows.map((r) => iso(r.updatedAt)) as never}::timestamptz[])
           as v(scope, key, failures, window_started_at, blocked_until, suppressed, updated_at)
     where t.scope = v.scope and t.key = v.key`;
}

const targetOf = (row: Key): Pick<AuditInput, 'targetType' | 'targetId'> =>
  row.scope === 'account'
    ? { targetType: 'user', targetId: row.key }
    : row.scope === 'ip'
      ? { targetType: 'address', targetId: row.key }
      : { targetType: 'sign_in', targetId: null };

/** One audit event for the failures of a key that were counted rather than audited one by one. */
function suppressedSummary(row: Row, why: 'window ended' | 'signed in'): AuditInput {
  return {
    action: 'auth.sign_in_failures_suppressed',
    ...targetOf(row),
    after: {
      scope: row.scope,
      key: row.key,
      suppressed: row.suppressed,
      failures: row.failures,
      windowStartedAt: row.windowStartedAt.toISOString(),
      lastAttemptAt: row.updatedAt.toISOString(),
      why,
    },
  };
}

/** A key whose window is over starts again from nothing; its uncounted failures get their summary. */
function forgetIfEnded(row: Row, now: Date, events: AuditInput[]): void {
  if (!windowEnded(POLICIES[row.scope], row, now)) return;
  if (row.suppressed > 0) events.push(suppressedSummary(row, 'window ended'));
  Object.assign(row, freshState(now));
}

/**
 * Ends the windows of keys nobody has tried for a while (a flood from rotating addresses
 * leaves a row per address), writing the summary of any that had uncounted failures.
 */
async function sweepEndedWindows(tx: Tx, now: Date, limit = 500): Promise<AuditInput[]> {
  const cutoff = (scope: Scope) => new Date(now.getTime() - POLICIES[scope].forgetAfterMs).toISOString();
  const ended = await tx.sql<RowRecord[]>`
    delete from auth_throttle t
     where (t.scope, t.key) in (
             select scope, key from auth_throttle
              where (blocked_until is null or blocked_until <= ${now.toISOString()}::timestamptz)
                and ((scope = 'account' and updated_at <= ${cutoff('account')}::timestamptz)
                  or (scope = 'ip' and updated_at <= ${cutoff('ip')}::timestamptz)
                  or (scope = 'global' and updated_at <= ${cutoff('global')}::timestamptz))
              limit ${limit}
              for update skip locked)
    returning t.scope, t.key, t.failures, t.window_started_at, t.blocked_until, t.suppressed, t.updated_at`;
  return ended.filter((r) => r.suppressed > 0).map((r) => suppressedSummary(rowOf(r), 'window ended'));
}

type RowRecord = { scope: Scope; key: string; failures: number; window_started_at: Date; blocked_until: Date | null; suppressed: number; updated_at: Date };

function rowOf(r: RowRecord): Row {
  return {
    scope: r.scope,
    key: r.key,
    failures: r.failures,
    windowStartedAt: new Date(r.window_started_at),
    blockedUntil: r.blocked_until === null ? null : new Date(r.blocked_until),
    suppressed: r.suppressed,
    updatedAt: new Date(r.updated_at),
  };
}

/**
 * Refuses the attempt if one of its keys is waiting (without locking or creating anything
 * first): counts it on the key with the longest wait. Null when nothing is waiting, or the
 * wait ended in between (then the locked path decides).
 */
async function refuseIfWaiting(tx: Tx, keys: Key[], now: Date): Promise<{ row: Row; waitMs: number } | null> {
  const existing = await tx.sql<RowRecord[]>`
    select scope, key, failures, window_started_at, blocked_until, suppressed, updated_at from auth_throttle
     where (scope, key) in (select * from unnest(${keys.map((k) => k.scope)}::text[], ${keys.map((k) => k.key)}::text[]))
       and blocked_until > ${now.toISOString()}::timestamptz`;
  const longest = existing.map(rowOf).sort((a, b) => remainingWaitMs(b, now) - remainingWaitMs(a, now))[0];
  if (!longest) return null;
  const [counted] = await tx.sql<RowRecord[]>`
    update auth_throttle set suppressed = suppressed + 1, updated_at = ${now.toISOString()}::timestamptz
     where scope = ${longest.scope} and key = ${longest.key} and blocked_until > ${now.toISOString()}::timestamptz
    returning scope, key, failures, window_started_at, blocked_until, suppressed, updated_at`;
  if (!counted) return null;
  const row = rowOf(counted);
  return { row, waitMs: remainingWaitMs(row, now) };
}

function throttledError(row: Row, waitMs: number): DomainError {
  const whose = row.scope === 'account' ? 'for this account' : 'from your network address';
  return new DomainError('too_many_attempts', `Too many failed sign-ins ${whose}. Wait ${describeWait(waitMs)} and try again.`, {
    status: 429,
    details: { retryAfterSeconds: Math.ceil(waitMs / 1000) },
  });
}

/**
 * Email + password sign-in, throttled per account and per client address with a growing wait
 * (lib/auth/throttle.ts) instead of a lockout anyone could trigger.
 *
 * 1. While a key's wait is in force the attempt is refused without looking at the password
 *    (counted in `suppressed`, not audited). Otherwise the attempt is counted as a failure
 *    before the password is checked, so parallel guesses cannot all slip in under the limit.
 * 2. The password is checked.
 * 3. A failure is audited (`auth.sign_in_failed` with the reason) until one of its keys is
 *    throttled in this window or the audit budget is spent; after that it only raises
 *    `suppressed`, and one `auth.sign_in_failures_suppressed` event later says how many (when
 *    the window ends, or at the next successful sign-in). A success clears the account's
 *    failures and takes back the address's advance count.
 */
export async function authenticate(
  database: Database,
  rawEmail: string,
  password: string,
  ip: string | null,
  options: SignInOptions = {},
): Promise<SignedInUser | null> {
  const clock = options.now ?? (() => new Date());
  const email = String(rawEmail ?? '')
    .trim()
    .toLowerCase();
  const actor = anonymous(email, ip);
  const keys: Key[] = [{ scope: 'account', key: email }];
  if (ip) keys.push({ scope: 'ip', key: ip });

  type Gate = { refused: { row: Row; waitMs: number } } | { refused?: undefined; failuresBefore: Map<Scope, number> };
  const gate = await database.transaction(async (tx): Promise<Gate> => {
    const now = clock();
    // The usual refusal first, touching only a row that exists: a flood of refused attempts
    // from ever new addresses leaves no rows behind.
    const quick = await refuseIfWaiting(tx, keys, now);
    if (quick) return { refused: quick };
    const rows = await lockKeys(tx, keys, now);
    const events: AuditInput[] = [];
    for (const row of rows) forgetIfEnded(row, now, events);
    const waiting = rows
      .map((row) => ({ row, waitMs: remainingWaitMs(row, now) }))
      .filter((w) => w.waitMs > 0)
      .sort((a, b) => b.waitMs - a.waitMs);
    if (waiting.length > 0) {
      // counted once, on the key with the longest wait
      waiting[0]!.row.suppressed += 1;
      for (const w of waiting) w.row.updatedAt = now;
      await saveRows(tx, rows);
      await recordAudit(tx, throttleActor(), events);
      return { refused: waiting[0]! };
    }
    const failuresBefore = new Map(rows.map((row) => [row.scope, row.failures]));
    for (const row of rows) Object.assign(row, afterFailure(POLICIES[row.scope], row, now));
    await saveRows(tx, rows);
    await recordAudit(tx, throttleActor(), events);
    return { failuresBefore };
  });
  if (gate.refused) throw throttledError(gate.refused.row, gate.refused.waitMs);

  const [user] = email ? await database.db.select().from(users).where(eq(users.email, email)) : [];
  const ok = await verifyPassword(user?.passwordHash ?? null, String(password ?? ''));

  if (!user || !ok || user.disabledAt) {
    const reason = !user ? 'unknown email' : user.disabledAt ? 'user disabled' : 'wrong password';
    await database.transaction(async (tx) => {
      const now = clock();
      const rows = await lockKeys(tx, [...keys, { scope: 'global', key: GLOBAL_KEY }], now);
      const events: AuditInput[] = [];
      const global = rows.find((r) => r.scope === 'global')!;
      forgetIfEnded(global, now, events);
      Object.assign(global, afterFailure(AUDIT_BUDGET_POLICY, global, now));
      const overBudget = global.failures > AUDIT_BUDGET_POLICY.free;
      const keyRows = rows.filter((r) => r.scope !== 'global');
      const throttled = keyRows.find((r) => isThrottled(POLICIES[r.scope], gate.failuresBefore.get(r.scope) ?? 0));
      if (throttled) throttled.suppressed += 1;
      else if (overBudget) global.suppressed += 1;
      else events.push({ action: 'auth.sign_in_failed', targetType: 'user', targetId: email, after: { reason } });
      // The failure that starts a key's waits is recorded once per window, within the budget.
      for (const row of keyRows) {
        const policy = POLICIES[row.scope];
        if ((gate.failuresBefore.get(row.scope) ?? 0) + 1 !== policy.free || overBudget) continue;
        events.push({
          action: 'auth.sign_in_throttled',
          ...targetOf(row),
          after: { scope: row.scope, key: row.key, failures: policy.free, waitSeconds: Math.ceil(backoffMs(policy, policy.free) / 1000) },
        });
      }
      await saveRows(tx, rows);
      if (global.failures % 100 === 0) events.push(...(await sweepEndedWindows(tx, now)));
      await recordAudit(tx, actor, events);
    });
    return null;
  }

  await database.transaction(async (tx) => {
    const now = clock();
    const rows = await lockKeys(tx, [...keys, { scope: 'global', key: GLOBAL_KEY }], now);
    const events: AuditInput[] = [];
    for (const row of rows) {
      forgetIfEnded(row, now, events);
      if (row.suppressed > 0) {
        events.push(suppressedSummary(row, 'signed in'));
        row.suppressed = 0;
      }
      if (row.scope === 'ip') {
        // this attempt was counted in advance; it did not fail
        row.failures = Math.max(0, row.failures - 1);
        if (!isThrottled(ADDRESS_POLICY, row.failures)) row.blockedUntil = null;
      }
    }
    await saveRows(tx, rows);
    // the owner proved the password: the account's failures are over
    await tx.sql`delete from auth_throttle where scope = 'account' and key = ${email}`;
    events.push(...(await sweepEndedWindows(tx, now)));
    await tx.db.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
    const self: Actor = { userId: user.id, label: user.email, role: user.role, clientId: user.clientId, source: 'console', requestId: actor.requestId, ip };
    await recordAudit(tx, self, [...events, { action: 'auth.sign_in', targetType: 'user', targetId: user.id }]);
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, clientId: user.clientId, sessionVersion: user.sessionVersion };
}

/** What the sign-in page says when the database (or anything else underneath) fails. */
export const SIGN_IN_UNAVAILABLE = 'Sign-in is unavailable right now. Try again in a few minutes.';

/**
 * The sign-in form's attempt (next-auth shows a thrown Error's message to the person signing
 * in): a refusal keeps its readable message; anything else — the database down, a timeout —
 * is logged here and answered with a plain sentence, never a connection string or an error's
 * details to an anonymous caller.
 */
export async function attemptSignIn(
  database: Database | (() => Database),
  email: string,
  password: string,
  ip: string | null,
  options: SignInOptions = {},
): Promise<SignedInUser | null> {
  try {
    return await authenticate(typeof database === 'function' ? database() : database, email, password, ip, options);
  } catch (error) {
    if (error instanceof DomainError) throw new Error(error.message);
    console.error('[sign-in] unavailable:', error);
    throw new Error(SIGN_IN_UNAVAILABLE);
  }
}

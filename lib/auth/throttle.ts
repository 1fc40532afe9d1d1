/**
 * Sign-in throttling arithmetic (issue 11), pure: no clock of its own, no database.
 *
 * A key (an account's email, a client address) may fail `free` times; after that every further
 * failure makes the next attempt wait, doubling from `baseMs` up to `capMs`. A wait is never a
 * lockout: once it has passed, the next attempt is judged on its password again, so the real
 * owner gets in after a short wait while a guesser gets one try per wait. Attempts refused
 * during a wait do not lengthen it (otherwise hammering would lock the owner out for good).
 * The failures are forgotten after `forgetAfterMs` without any attempt on the key.
 */
export interface ThrottlePolicy {
  /** failures allowed before the first wait */
  free: number;
  /** the first wait, after `free` failures */
  baseMs: number;
  /** the longest wait */
  capMs: number;
  /** quiet time after which the key's failures are forgotten (its throttle window ends) */
  forgetAfterMs: number;
}

/** Per account: after 5 failures 1 s, 2 s, 4 s … at most a minute. */
export const ACCOUNT_POLICY: ThrottlePolicy = { free: 5, baseMs: 1_000, capMs: 60_000, forgetAfterMs: 15 * 60_000 };

/** Per client address, stricter on volume: after 20 failures 1 s, 2 s … at most 15 minutes. */
export const ADDRESS_POLICY: ThrottlePolicy = { free: 20, baseMs: 1_000, capMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

/**
 * The audit budget over all sign-ins: never makes anyone wait, but past this many failures in
 * a window (random emails from rotating addresses) failures are counted, not audited one by one.
 */
export const AUDIT_BUDGET_POLICY: ThrottlePolicy = { free: 200, baseMs: 0, capMs: 0, forgetAfterMs: 15 * 60_000 };

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  blockedUntil: Date | null;
  suppressed: number;
  updatedAt: Date;
}

/** How long the next attempt must wait after `failures` consecutive failures. */
export function backoffMs(policy: ThrottlePolicy, failures: number): number {
  if (!(failures >= policy.free) || policy.capMs <= 0) return 0;
  // the exponent is bounded so a huge failure count cannot overflow to Infinity or NaN
  const exponent = Math.min(failures - policy.free, 40);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** The key's window is over: no wait in force and quiet for `forgetAfterMs`. */
export function windowEnded(policy: ThrottlePolicy, state: ThrottleState, now: Date): boolean {
  const waiting = state.blockedUntil !== null && state.blockedUntil.getTime() > now.getTime();
  return !waiting && now.getTime() - state.updatedAt.getTime() >= policy.forgetAfterMs;
}

/** Milliseconds left to wait (0: the next attempt is judged now). */
export function remainingWaitMs(state: ThrottleState | null, now: Date): number {
  if (!state?.blockedUntil) return 0;
  return Math.max(0, state.blockedUntil.getTime() - now.getTime());
}

/** Past its free failures in this window: further failures are counted, not audited one by one. */
export function isThrottled(policy: ThrottlePolicy, failures: number): boolean {
  return failures >= policy.free;
}

export function freshState(now: Date): ThrottleState {
  return { failures: 0, windowStartedAt: now, blockedUntil: null, suppressed: 0, updatedAt: now };
}

/** The key after one more failure at `now`: the wait starts from now. */
export function afterFailure(policy: ThrottlePolicy, state: ThrottleState, now: Date): ThrottleState {
  const failures = state.failures + 1;
  const wait = backoffMs(policy, failures);
  return { ...state, failures, blockedUntil: wait > 0 ? new Date(now.getTime() + wait) : null, updatedAt: now };
}

/** "1 second", "45 seconds", "2 minutes", "15 minutes": rounded up, never "0". */
export function describeWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

import { describe, expect, it } from 'vitest';
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
} from '../../lib/auth/throttle';
import { sessionIsCurrent } from '../../lib/auth/sessions';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, 0) + seconds * 1000);

describe('sign-in backoff', () => {
  it('lets an account fail five times without a wait, then waits 1 s, 2 s, 4 s … capped at a minute', () => {
    const waits = Array.from({ length: 14 }, (_, i) => backoffMs(ACCOUNT_POLICY, i + 1));
    expect(waits).toEqual([0, 0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('lets an address fail twenty times, then waits from 1 s up to 15 minutes', () => {
    expect(backoffMs(ADDRESS_POLICY, 19)).toBe(0);
    expect(backoffMs(ADDRESS_POLICY, 20)).toBe(1_000);
    expect(backoffMs(ADDRESS_POLICY, 21)).toBe(2_000);
    expect(backoffMs(ADDRESS_POLICY, 29)).toBe(512_000);
    expect(backoffMs(ADDRESS_POLICY, 30)).toBe(15 * 60_000);
    expect(backoffMs(ADDRESS_POLICY, 31)).toBe(15 * 60_000);
  });

  it('never overflows: a million failures still wait exactly the cap', () => {
    expect(backoffMs(ACCOUNT_POLICY, 1_000_000)).toBe(60_000);
    expect(backoffMs(ADDRESS_POLICY, Number.MAX_SAFE_INTEGER)).toBe(15 * 60_000);
  });

  it('the audit budget never makes anyone wait', () => {
    for (const failures of [0, 1, 200, 201, 10_000]) expect(backoffMs(AUDIT_BUDGET_POLICY, failures)).toBe(0);
    expect(isThrottled(AUDIT_BUDGET_POLICY, 199)).toBe(false);
    expect(isThrottled(AUDIT_BUDGET_POLICY, 200)).toBe(true);
  });

  it('a failure starts its wait from the moment it happened', () => {
    let state = freshState(at(0));
    for (let i = 0; i < 4; i += 1) state = afterFailure(ACCOUNT_POLICY, state, at(i));
    expect(state.blockedUntil).toBeNull();
    expect(remainingWaitMs(state, at(4))).toBe(0);
    state = afterFailure(ACCOUNT_POLICY, state, at(10));
    expect(state.failures).toBe(5);
    expect(state.blockedUntil).toEqual(at(11));
    expect(remainingWaitMs(state, at(10.25))).toBe(750);
    expect(remainingWaitMs(state, at(11))).toBe(0);
    state = afterFailure(ACCOUNT_POLICY, state, at(11));
    expect(state.blockedUntil).toEqual(at(13));
    expect(state.windowStartedAt).toEqual(at(0));
    expect(state.updatedAt).toEqual(at(11));
  });

  it('a key is throttled from its free failures on', () => {
    expect(isThrottled(ACCOUNT_POLICY, 4)).toBe(false);
    expect(isThrottled(ACCOUNT_POLICY, 5)).toBe(true);
    expect(isThrottled(ADDRESS_POLICY, 19)).toBe(false);
    expect(isThrottled(ADDRESS_POLICY, 20)).toBe(true);
  });

  it('the window ends after the quiet period, and never while a wait is in force', () => {
    const state = { ...freshState(at(0)), failures: 12, updatedAt: at(0), blockedUntil: at(60) };
    expect(windowEnded(ACCOUNT_POLICY, state, at(15 * 60 - 1))).toBe(false);
    expect(windowEnded(ACCOUNT_POLICY, state, at(15 * 60))).toBe(true);
    const long = { ...state, blockedUntil: at(20 * 60) };
    expect(windowEnded(ACCOUNT_POLICY, long, at(19 * 60))).toBe(false);
    expect(windowEnded(ACCOUNT_POLICY, long, at(20 * 60))).toBe(true);
    expect(windowEnded(ADDRESS_POLICY, state, at(59 * 60))).toBe(false);
    expect(windowEnded(ADDRESS_POLICY, state, at(60 * 60))).toBe(true);
  });

  it('says how long to wait in words, rounded up', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(1_000)).toBe('1 second');
    expect(describeWait(1_001)).toBe('2 seconds');
    expect(describeWait(60_000)).toBe('60 seconds');
    expect(describeWait(89_000)).toBe('89 seconds');
    expect(describeWait(90_000)).toBe('2 minutes');
    expect(describeWait(15 * 60_000)).toBe('15 minutes');
    expect(describeWait(0)).toBe('1 second');
  });
});

describe('session versions', () => {
  it('a session counts only under the version the user has now', () => {
    expect(sessionIsCurrent(0, 0)).toBe(true);
    expect(sessionIsCurrent(3, 3)).toBe(true);
    expect(sessionIsCurrent(2, 3)).toBe(false);
    expect(sessionIsCurrent(4, 3)).toBe(false);
  });

  it('a session from before versions (none in its token) counts as signed out', () => {
    expect(sessionIsCurrent(undefined, 0)).toBe(false);
    expect(sessionIsCurrent(null, 0)).toBe(false);
    expect(sessionIsCurrent('0', 0)).toBe(false);
    expect(sessionIsCurrent(Number.NaN, 0)).toBe(false);
  });
});

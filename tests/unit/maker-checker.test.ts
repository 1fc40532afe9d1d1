import { describe, expect, it } from 'vitest';
import {
  MAKER_RULES,
  NO_PERSON,
  approvalStep,
  assertNotMaker,
  assertSecondApprover,
  isSamePerson,
  makerRefusal,
  needsController,
  requesterId,
  requireReason,
  secondApprovalRefusal,
} from '@/lib/approvals/maker-checker';
import { systemActor, type Actor } from '@/lib/auth/actor';
import type { Role } from '@/lib/auth/roles';
import { DomainError } from '@/lib/errors';
import { Big } from '@/lib/money';

function person(userId: number, role: Role): Actor {
  return { userId, label: `${role}${userId}@factor.test`, role, clientId: null, source: 'console', requestId: 'r', ip: null };
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const cycle = MAKER_RULES.release;

describe('the maker may not decide', () => {
  it('refuses the maker with 403 maker_checker, in the words of what they did', () => {
    const e = refusal(() => assertNotMaker(person(7, 'controller'), { makers: [7], ...cycle }));
    expect(e).toMatchObject({
      status: 403,
      code: 'maker_checker',
      message: 'You ran the cycle that proposed this release, so another approver must approve it',
    });
  });

  it('lets anyone else decide, and names who must when the checker is particular', () => {
    expect(() => assertNotMaker(person(8, 'approver'), { makers: [7], ...cycle })).not.toThrow();
    expect(
      makerRefusal(person(3, 'underwriter'), { makers: [2, 3], did: 'entered or submitted this client', checker: 'another underwriter', decide: 'review' }),
    ).toBe('You entered or submitted this client, so another underwriter must review it');
    expect(makerRefusal(person(3, 'approver'), { makers: [3], did: 'requested this' })).toBe('You requested this, so someone else must approve or reject it');
    expect(makerRefusal(person(3, 'funding'), { ...MAKER_RULES.fundingBatch, makers: ['3'] })).toBe(
      'You built this batch, so another approver must approve or reject it',
    );
    expect(makerRefusal(person(3, 'underwriter'), { ...MAKER_RULES.agreementChange, makers: [3] })).toBe(
      'You proposed this agreement version, so another approver must approve or reject it',
    );
    expect(makerRefusal(person(3, 'underwriter'), { ...MAKER_RULES.clientActivation, makers: [null, 3] })).toBe(
      'You entered or submitted this client, so another underwriter must review it',
    );
  });

  it('matches ids as rows carry them (bigint strings) and never matches nobody', () => {
    expect(isSamePerson(person(12, 'approver'), '12')).toBe(true);
    expect(isSamePerson(person(12, 'approver'), null)).toBe(false);
    expect(isSamePerson(person(12, 'approver'), undefined)).toBe(false);
    // a job is no one's maker, and a request a job made has no maker a person could be
    expect(isSamePerson(systemActor('job:test'), NO_PERSON)).toBe(false);
    expect(requesterId(systemActor('job:test'))).toBe(NO_PERSON);
    expect(requesterId(person(5, 'funding'))).toBe(5);
    expect(() => assertNotMaker(systemActor('job:test'), { makers: [null, NO_PERSON], ...cycle })).not.toThrow();
  });
});

describe('two approvals are two people', () => {
  it('refuses the first approver giving the second approval', () => {
    const e = refusal(() => assertSecondApprover(person(4, 'controller'), '4', 'this release'));
    expect(e).toMatchObject({
      status: 403,
      code: 'maker_checker',
      message: 'You approved this release already; the second approval must come from another person',
    });
    expect(secondApprovalRefusal(person(5, 'controller'), 4, 'this release')).toBeNull();
    expect(secondApprovalRefusal(person(5, 'controller'), null, 'this release')).toBeNull();
  });
});

describe('a controller above the threshold', () => {
  const threshold = new Big('50000.00');
  const rule = (amount: string, firstApprover: number | null) => ({ amount: new Big(amount), threshold, currency: 'USD', firstApprover, what: 'Releases' });

  it('at or below the threshold one approval is final', () => {
    expect(needsController(new Big('50000.00'), threshold)).toBe(false);
    expect(approvalStep(person(2, 'approver'), rule('50000.00', null))).toBe('final');
  });

  it('above it the first approval is recorded, by whoever approves first — a controller too', () => {
    expect(needsController(new Big('50000.01'), threshold)).toBe(true);
    expect(approvalStep(person(2, 'approver'), rule('60000.00', null))).toBe('first');
    expect(approvalStep(person(3, 'controller'), rule('60000.00', null))).toBe('first');
  });

  it('the second approval above it needs release.approve_large (a controller): 403 controller_required otherwise', () => {
    expect(approvalStep(person(3, 'controller'), rule('60000.00', 2))).toBe('final');
    expect(approvalStep(systemActor('cli'), rule('60000.00', 2))).toBe('final');
    const e = refusal(() => approvalStep(person(4, 'approver'), rule('60000.00', 2)));
    expect(e).toMatchObject({ status: 403, code: 'controller_required', message: "Releases above 50000.00 USD need a controller's approval as well" });
  });
});

describe('a rejection needs a reason', () => {
  it('answers the reason trimmed', () => {
    expect(requireReason('  Debtor exposure too high ')).toBe('Debtor exposure too high');
  });

  it('refuses none, blank or whitespace with 400 reason_required naming the field', () => {
    for (const missing of [undefined, null, '', '   ', '\n\t']) {
      expect(refusal(() => requireReason(missing))).toMatchObject({
        status: 400,
        code: 'reason_required',
        message: 'A rejection needs a reason',
        details: { reason: 'Reason is required' },
      });
    }
  });

  it('refuses a reason that cannot be stored, naming the field', () => {
    expect(refusal(() => requireReason('x'.repeat(2001)))).toMatchObject({
      status: 400,
      code: 'invalid_input',
      details: { reason: 'Reason must be at most 2000 characters' },
    });
    expect(refusal(() => requireReason('bad\u0000text'))).toMatchObject({ status: 400, details: { reason: expect.stringMatching(/^Reason /) } });
    expect(refusal(() => requireReason(42))).toMatchObject({ status: 400, details: { reason: expect.stringMatching(/^Reason /) } });
  });
});

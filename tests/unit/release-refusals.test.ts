import { describe, expect, it } from 'vitest';
import { releaseRefusal, releaseRejectRefusal } from '@/lib/reports/makers';

/**
 * What the release page offers whom (SPEC 1, maker ≠ checker): whoever ran the cycle may neither
 * approve nor reject; the first approver may not approve again but may still reject; above the
 * controller threshold the second approval must be a controller's; anyone else may do both.
 */
const ranBy7 = { ranCycle: '7', firstApprover: null, needsController: false };
const firstBy8 = { ranCycle: '7', firstApprover: '8', needsController: true };

describe('who is offered Approve and Reject on a release', () => {
  it('whoever ran the cycle is offered neither, and reads why', () => {
    const maker = { userId: 7, role: 'controller' as const };
    expect(releaseRefusal(maker, ranBy7)).toBe('You ran the cycle that proposed this release, so another approver must approve it');
    expect(releaseRejectRefusal(maker, ranBy7)).toBe('You ran the cycle that proposed this release, so another approver must approve it');
  });

  it('the first approver may not approve again but is still offered Reject', () => {
    const first = { userId: 8, role: 'approver' as const };
    expect(releaseRefusal(first, firstBy8)).toBe('You approved this release already; the second approval must come from another person');
    expect(releaseRejectRefusal(first, firstBy8)).toBeNull();
  });

  it('above the controller threshold a second approver who is not a controller may reject but not approve', () => {
    const other = { userId: 9, role: 'approver' as const };
    expect(releaseRefusal(other, firstBy8)).toBe('Approved once already; above the controller threshold the second approval must come from a controller');
    expect(releaseRejectRefusal(other, firstBy8)).toBeNull();
    const controller = { userId: 10, role: 'controller' as const };
    expect(releaseRefusal(controller, firstBy8)).toBeNull();
  });

  it('someone else is offered both', () => {
    const other = { userId: 9, role: 'approver' as const };
    expect(releaseRefusal(other, ranBy7)).toBeNull();
    expect(releaseRejectRefusal(other, ranBy7)).toBeNull();
  });
});

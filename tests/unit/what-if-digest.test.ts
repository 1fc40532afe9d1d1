import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors';
import { agreementPreviewAsOf, assertPreviewed, canonicalJson, whatIfDigest, type WhatIfSubject } from '../../lib/releases/what-if-digest';

const SECRET = 'test-secret';
const schedule: WhatIfSubject = {
  kind: 'risk_schedule',
  values: {
    controllerThreshold: '50000.00',
    riskSchedule: [
      { minScore: 80, maxScore: 100, rate: '0.10', holdDays: 0, release: 'automatic' },
      { minScore: 0, maxScore: 79, rate: '0.20', holdDays: 30, release: 'review' },
    ],
  },
};

describe('the what-if digest (issue 16 item 2)', () => {
  it('reads the same values the same whatever the order of their keys', () => {
    expect(canonicalJson({ b: 1, a: [{ y: '2', x: null }], c: undefined })).toBe('{"a":[{"x":null,"y":"2"}],"b":1}');
    const reordered: WhatIfSubject = {
      values: {
        riskSchedule: [
          { release: 'automatic', holdDays: 0, rate: '0.10', maxScore: 100, minScore: 80 },
          { release: 'review', holdDays: 30, rate: '0.20', maxScore: 79, minScore: 0 },
        ],
        controllerThreshold: '50000.00',
      },
      kind: 'risk_schedule',
    };
    expect(whatIfDigest(reordered, '2026-03-01', SECRET)).toBe(whatIfDigest(schedule, '2026-03-01', SECRET));
    expect(whatIfDigest(schedule, '2026-03-01', SECRET)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs for another value, another date, another client or another secret', () => {
    const base = whatIfDigest(schedule, '2026-03-01', SECRET);
    const values = schedule.values as { controllerThreshold: string; riskSchedule: object[] };
    const otherRate = { ...schedule, values: { ...values, riskSchedule: [{ ...values.riskSchedule[0], rate: '0.11' }, values.riskSchedule[1]] } };
    const otherThreshold = { ...schedule, values: { ...values, controllerThreshold: '50000.01' } };
    expect(whatIfDigest(otherRate, '2026-03-01', SECRET)).not.toBe(base);
    expect(whatIfDigest(otherThreshold, '2026-03-01', SECRET)).not.toBe(base);
    expect(whatIfDigest(schedule, '2026-03-02', SECRET)).not.toBe(base);
    expect(whatIfDigest(schedule, '2026-03-01', 'another-secret')).not.toBe(base);
    const terms = (clientId: number): WhatIfSubject => ({
      kind: 'client_terms',
      clientId,
      values: { effectiveFrom: '2026-03-01', terms: { reserveRate: '0.2' } },
    });
    expect(whatIfDigest(terms(1), '2026-03-01', SECRET)).not.toBe(whatIfDigest(terms(2), '2026-03-01', SECRET));
  });

  it('lets through only the digest of exactly these values, in plain words otherwise', () => {
    const digest = whatIfDigest(schedule, '2026-03-01', SECRET);
    expect(() => assertPreviewed(digest, schedule, '2026-03-01', SECRET)).not.toThrow();
    const refusal = (given: string | undefined, asOf = '2026-03-01') => {
      try {
        assertPreviewed(given, schedule, asOf, SECRET);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return { code: (error as DomainError).code, status: (error as DomainError).status, message: (error as DomainError).message };
      }
      return null;
    };
    expect(refusal(undefined)).toEqual({ code: 'preview_required', status: 409, message: expect.stringMatching(/^Preview the change first/) });
    const other = { code: 'preview_required', status: 409, message: 'Preview the change first: the figures shown are for other values' };
    expect(refusal(digest, '2026-03-02')).toEqual(other);
    expect(refusal(whatIfDigest(schedule, '2026-03-01', 'another-secret'))).toEqual(other);
    expect(refusal('not a digest')).toEqual(other);
    expect(refusal(digest.toUpperCase())).toEqual(other);
  });

  it('previews an agreement change as of the later of today and its effective date', () => {
    expect(agreementPreviewAsOf('2026-03-10', '2026-03-01')).toBe('2026-03-10');
    expect(agreementPreviewAsOf('2026-02-10', '2026-03-01')).toBe('2026-03-01');
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_SCHEDULE } from '@/lib/releases/releasable';
import { validateRiskSchedule, validateThreshold } from '@/lib/settings';
import { DomainError } from '@/lib/errors';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('release policy settings', () => {
  it('accepts the seeds 004 schedule and sorts it from the best score down', () => {
    const shuffled = [...DEFAULT_RISK_SCHEDULE]
      .reverse()
      .map((t) => ({ ...t, minScore: String(t.minScore), maxScore: String(t.maxScore), holdDays: String(t.holdDays) }));
    expect(validateRiskSchedule(shuffled)).toEqual(DEFAULT_RISK_SCHEDULE.map((t) => ({ ...t, rate: String(Number(t.rate)) })));
  });

  it('refuses overlapping bands, gaps and uncovered scores, naming the scores', () => {
    const overlap = DEFAULT_RISK_SCHEDULE.map((t) => (t.minScore === 80 ? { ...t, minScore: 75 } : t));
    expect(errorOf(() => validateRiskSchedule(overlap)).message).toContain('Scores 75–79 fall in two tiers');
    const gap = DEFAULT_RISK_SCHEDULE.filter((t) => t.minScore !== 70);
    expect(errorOf(() => validateRiskSchedule(gap)).message).toContain('Scores 70–79 have no tier');
    const top = DEFAULT_RISK_SCHEDULE.map((t) => (t.maxScore === 100 ? { ...t, maxScore: 95 } : t));
    expect(errorOf(() => validateRiskSchedule(top)).message).toContain('Scores 96–100 have no tier');
  });

  it('names the bad field of a tier by its label', () => {
    const badRate = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 1 ? { ...t, rate: '1.5' } : t));
    const rateError = errorOf(() => validateRiskSchedule(badRate));
    expect(Object.keys(rateError.details)).toEqual(['1.rate']);
    expect(rateError.details['1.rate']).toMatch(/^Tier 2 reserve rate /);
    const badMode = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 2 ? { ...t, release: 'sometimes' } : t));
    expect(errorOf(() => validateRiskSchedule(badMode)).details).toEqual({ '2.release': 'Tier 3 release must be one of: automatic, review, manual' });
    const badDays = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 0 ? { ...t, holdDays: -1 } : t));
    expect(errorOf(() => validateRiskSchedule(badDays)).details).toEqual({ '0.holdDays': 'Tier 1 holding period must be a whole number of days, such as 30' });
    const upsideDown = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 0 ? { ...t, minScore: 100, maxScore: 90 } : t));
    expect(errorOf(() => validateRiskSchedule(upsideDown)).details).toEqual({ '0.minScore': 'Tier 1 lowest score must not be above its highest score (90)' });
  });

  it('keeps the controller threshold as a positive amount with cents', () => {
    expect(validateThreshold('25000')).toBe('25000.00');
    expect(validateThreshold('1234.5')).toBe('1234.50');
    expect(validateThreshold('25,000')).toBe('25000.00');
    expect(errorOf(() => validateThreshold('0')).details).toEqual({ controllerThreshold: 'Controller threshold must be more than 0' });
    expect(errorOf(() => validateThreshold('1e5')).details.controllerThreshold).toMatch(/^Controller threshold /);
    expect(errorOf(() => validateThreshold('12.345')).status).toBe(400);
  });
});

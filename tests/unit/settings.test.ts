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
    const shuffled = [...DEFAULT_RISK_SCHEDULE].reverse().map((t) => ({ ...t, minScore: String(t.minScore), maxScore: String(t.maxScore), holdDays: String(t.holdDays) }));
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

  it('names the bad field of a tier', () => {
    const badRate = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 1 ? { ...t, rate: '10' } : t));
    expect(errorOf(() => validateRiskSchedule(badRate)).details).toEqual({ '1.rate': 'must be a fraction between 0 and 1 (0.10 is 10%)' });
    const badMode = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 2 ? { ...t, release: 'sometimes' } : t));
    expect(Object.keys(errorOf(() => validateRiskSchedule(badMode)).details)).toEqual(['2.release']);
    const badDays = DEFAULT_RISK_SCHEDULE.map((t, i) => (i === 0 ? { ...t, holdDays: -1 } : t));
    expect(errorOf(() => validateRiskSchedule(badDays)).details).toEqual({ '0.holdDays': 'cannot be negative' });
  });

  it('keeps the controller threshold as a positive amount with cents', () => {
    expect(validateThreshold('25000')).toBe('25000.00');
    expect(validateThreshold('1234.5')).toBe('1234.50');
    expect(errorOf(() => validateThreshold('0')).details).toEqual({ controllerThreshold: 'must be more than zero' });
    expect(errorOf(() => validateThreshold('12.345')).status).toBe(400);
  });
});

import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, isBusinessDate, parseBusinessDate, todayIn } from '../../lib/dates';

describe('business dates', () => {
  it('accepts real YYYY-MM-DD dates only', () => {
    expect(isBusinessDate('2026-01-31')).toBe(true);
    expect(isBusinessDate('2028-02-29')).toBe(true);
    expect(isBusinessDate('2026-02-29')).toBe(false);
    expect(isBusinessDate('2026-1-5')).toBe(false);
    expect(isBusinessDate('2026-01-01T00:00:00Z')).toBe(false);
    expect(() => parseBusinessDate('31/01/2026', 'fundingDate')).toThrow(/fundingDate must be a date written YYYY-MM-DD/);
  });

  it('counts calendar days as SPEC 4 does (d = date − fundingDate)', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2026-03-01', '2026-03-29')).toBe(28);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(addDays('2026-01-01', 180)).toBe('2026-06-30');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });

  it('adds months without overflowing short months', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-01', 6)).toBe('2026-07-01');
  });

  it('tells today in the factor time zone', () => {
    const instant = new Date('2026-11-23T02:30:00Z');
    expect(todayIn('UTC', instant)).toBe('2026-11-23');
    expect(todayIn('America/New_York', instant)).toBe('2026-11-22');
    expect(todayIn('Asia/Tokyo', new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-24');
    // each zone keeps its own formatter: asked again, in another order, the same answers
    expect(todayIn('America/New_York', instant)).toBe('2026-11-22');
    expect(todayIn('UTC', instant)).toBe('2026-11-23');
  });
});

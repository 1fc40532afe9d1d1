import { describe, expect, it } from 'vitest';
import { BUSINESS_DATE_DEFAULTS, assertBusinessDateInWindow, businessDateWindow } from '../../lib/dates';
import { DomainError } from '../../lib/errors';

/** Every case passes `today` and `env`, so nothing here depends on the clock or the machine. */
const today = '2026-11-29';
const env = {};

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the business-date window', () => {
  it('defaults to ten years back, nothing ahead for events, 366 days ahead for due and effective dates', () => {
    expect(BUSINESS_DATE_DEFAULTS).toEqual({ pastDays: 3650, futureDays: 0, aheadDays: 366 });
    expect(businessDateWindow('happened', { today, env })).toEqual({ today, earliest: '2016-12-01', latest: '2026-11-29' });
    expect(businessDateWindow('ahead', { today, env })).toEqual({ today, earliest: '2016-12-01', latest: '2027-11-30' });
  });

  it('refuses a received date in the future, naming the date as a person reads it', () => {
    const e = refusal(() => assertBusinessDateInWindow('2099-11-20', 'Received date', 'happened', { field: 'receivedDate', today, env }));
    expect(e.status).toBe(422);
    expect(e.code).toBe('date_out_of_range');
    expect(e.message).toBe('Received date 2099-11-20 is in the future; today is 2026-11-29');
    expect(e.details).toEqual({ receivedDate: 'must not be after today (2026-11-29)' });
    // tomorrow is already the future for an event
    expect(refusal(() => assertBusinessDateInWindow('2026-11-30', 'Funding date', 'happened', { today, env })).message).toBe(
      'Funding date 2026-11-30 is in the future; today is 2026-11-29',
    );
  });

  it('accepts today and the first and last days of the window, and returns the date', () => {
    expect(assertBusinessDateInWindow('2026-11-29', 'Received date', 'happened', { today, env })).toBe('2026-11-29');
    expect(assertBusinessDateInWindow('2016-12-01', 'Received date', 'happened', { today, env })).toBe('2016-12-01');
    expect(assertBusinessDateInWindow('2027-11-30', 'Due date', 'ahead', { today, env })).toBe('2027-11-30');
  });

  it('refuses a date too far back, and a due date too far ahead, saying where the window ends', () => {
    const old = refusal(() => assertBusinessDateInWindow('2016-11-30', 'Received date', 'happened', { field: 'receivedDate', today, env }));
    expect(old.message).toBe('Received date 2016-11-30 is too far in the past: it may be at most 3650 days before today (2016-12-01 at the earliest)');
    expect(old.details).toEqual({ receivedDate: 'must be on or after 2016-12-01' });
    const due = refusal(() => assertBusinessDateInWindow('2027-12-01', 'Due date', 'ahead', { field: 'dueDate', today, env }));
    expect(due.message).toBe('Due date 2027-12-01 is too far ahead: it may be at most 366 days after today (2027-11-30 at the latest)');
    expect(due.details).toEqual({ dueDate: 'must be on or before 2027-11-30' });
  });

  it('takes its bounds from the environment', () => {
    const wide = { BUSINESS_DATE_PAST_DAYS: '30', BUSINESS_DATE_FUTURE_DAYS: '2', BUSINESS_DATE_AHEAD_DAYS: '10' };
    expect(businessDateWindow('happened', { today, env: wide })).toEqual({ today, earliest: '2026-10-30', latest: '2026-12-01' });
    expect(businessDateWindow('ahead', { today, env: wide })).toEqual({ today, earliest: '2026-10-30', latest: '2026-12-09' });
    expect(assertBusinessDateInWindow('2026-12-01', 'Funding date', 'happened', { today, env: wide })).toBe('2026-12-01');
    expect(refusal(() => assertBusinessDateInWindow('2026-12-02', 'Funding date', 'happened', { today, env: wide })).message).toBe(
      'Funding date 2026-12-02 is too far ahead: it may be at most 2 days after today (2026-12-01 at the latest)',
    );
    expect(() => businessDateWindow('happened', { today, env: { BUSINESS_DATE_PAST_DAYS: 'ten years' } })).toThrow(
      'BUSINESS_DATE_PAST_DAYS must be a whole number of days',
    );
  });

  it('counts today in FACTOR_TIMEZONE when not given one', () => {
    const window = businessDateWindow('happened', { env: { FACTOR_TIMEZONE: 'UTC' } });
    expect(window.latest).toBe(window.today);
    expect(window.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('is a 400 naming the field for a date that is not one', () => {
    const e = refusal(() => assertBusinessDateInWindow('2026-02-30', 'Received date', 'happened', { field: 'receivedDate', today, env }));
    expect(e.status).toBe(400);
    expect(e.details).toEqual({ receivedDate: 'must be a date written YYYY-MM-DD' });
  });
});

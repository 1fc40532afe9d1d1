import { z } from 'zod';
import { addDays, addMonths, daysBetween, isBusinessDate } from '../dates';
import { DomainError } from '../errors';
import { parseInput } from '../validation';

/**
 * Statement periods (SPEC 7 "statements": monthly and on demand). Pure: dates in, dates out.
 * A period is two business dates, both inclusive; a statement covers a period that has ended.
 */
export interface StatementPeriod {
  from: string;
  to: string;
}

/** At most a year and a day per statement: a longer one is a different report. */
export const MAX_PERIOD_DAYS = 366;

const date = (field: string) =>
  z.string({ error: `${field} is required (YYYY-MM-DD)` }).refine(isBusinessDate, { error: `${field} must be a date written YYYY-MM-DD` });

export const periodSchema = z
  .object({ from: date('from'), to: date('to') })
  .refine((p) => p.from <= p.to, { error: 'must not be before from', path: ['to'] })
  .refine((p) => p.from > p.to || daysBetween(p.from, p.to) < MAX_PERIOD_DAYS, { error: `a statement covers at most ${MAX_PERIOD_DAYS} days`, path: ['to'] });

/**
 * Validates a period; `today` (the factor's business date) must come after it, because a
 * statement is stored once issued and a period still running would keep changing.
 */
export function parsePeriod(input: unknown, today?: string): StatementPeriod {
  const period = parseInput(periodSchema, input);
  if (today !== undefined && period.to >= today) {
    throw new DomainError('period_not_closed', `A statement covers a period that has ended: "to" must be before today (${today})`, {
      status: 422,
      details: { to: `must be before ${today}` },
    });
  }
  return period;
}

export function firstOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function lastOfMonth(day: string): string {
  return addDays(addMonths(firstOfMonth(day), 1), -1);
}

/** The calendar month before the one `day` falls in: what the monthly run on `day` covers. */
export function previousMonth(day: string): StatementPeriod {
  const from = addMonths(firstOfMonth(day), -1);
  return { from, to: lastOfMonth(from) };
}

/** Monday to Friday (UTC midnights, so no server time zone moves a date). */
export function isWeekday(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The first Monday-to-Friday of `day`'s month (the 1st, 2nd or 3rd). */
export function firstBusinessDayOfMonth(day: string): string {
  let d = firstOfMonth(day);
  while (!isWeekday(d)) d = addDays(d, 1);
  return d;
}

export function isFirstBusinessDayOfMonth(day: string): boolean {
  return firstBusinessDayOfMonth(day) === day;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "January 2026" for a calendar month, "2026-01-05 to 2026-02-04" otherwise. */
export function describePeriod(period: StatementPeriod): string {
  if (period.from === firstOfMonth(period.from) && period.to === lastOfMonth(period.from)) {
    return `${MONTHS[Number(period.from.slice(5, 7)) - 1]} ${period.from.slice(0, 4)}`;
  }
  return `${period.from} to ${period.to}`;
}

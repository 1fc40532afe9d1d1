import { DomainError } from './errors';

/**
 * Business dates are 'YYYY-MM-DD' strings (SPEC 3). Arithmetic runs on UTC midnights so no
 * server time zone or daylight-saving change can move a date.
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isBusinessDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function parseBusinessDate(value: unknown, field = 'date'): string {
  if (!isBusinessDate(value)) {
    throw new DomainError('invalid_date', `${field} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`, {
      status: 400,
      details: { [field]: 'must be a date written YYYY-MM-DD' },
    });
  }
  return value;
}

function toEpochDay(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new DomainError('invalid_date', `"${date}" is not a YYYY-MM-DD date`, { status: 400 });
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Calendar days from `from` to `to` (SPEC 4: d = date − fundingDate). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function addMonths(date: string, months: number): string {
  const m = DATE_RE.exec(date);
  if (!m) throw new DomainError('invalid_date', `"${date}" is not a YYYY-MM-DD date`, { status: 400 });
  const year = Number(m[1]);
  const month = Number(m[2]) - 1 + months;
  const day = Number(m[3]);
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Today's business date in a time zone (FACTOR_TIMEZONE for jobs). */
export function todayIn(timeZone: string = process.env.FACTOR_TIMEZONE || 'UTC', now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

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

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs more than the rest of a
 * page's date work (0.5 ms of every console answer went to building it again on each call).
 */
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = DAY_FORMATS.get(timeZone);
  if (!format) {
    // a bad zone throws here, before anything is kept
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (DAY_FORMATS.size < 64) DAY_FORMATS.set(timeZone, format);
  }
  return format;
}

/** Today's business date in a time zone (FACTOR_TIMEZONE for jobs). */
export function todayIn(timeZone: string = process.env.FACTOR_TIMEZONE || 'UTC', now: Date = new Date()): string {
  const parts = dayFormat(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

/**
 * What a business date may be: `happened` for events that have taken place (received, funded,
 * disputed, charged back, written off, refunded, accrued through) — not after today; `ahead` for
 * dates that are naturally in the future (an invoice's due date, an agreement's effective date).
 */
export type BusinessDateKind = 'happened' | 'ahead';

export interface BusinessDateWindow {
  /** today in FACTOR_TIMEZONE */
  today: string;
  earliest: string;
  latest: string;
}

/** Defaults of the window around today (days): environment BUSINESS_DATE_PAST_DAYS, … */
export const BUSINESS_DATE_DEFAULTS = { pastDays: 3650, futureDays: 0, aheadDays: 366 } as const;

function daysFromEnv(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d{1,6}$/.test(raw.trim())) throw new Error(`${name} must be a whole number of days (0 or more), not ${JSON.stringify(raw)}`);
  return Number(raw.trim());
}

/**
 * The business dates a command accepts, around today in FACTOR_TIMEZONE: from
 * BUSINESS_DATE_PAST_DAYS (default 3650) ago to BUSINESS_DATE_FUTURE_DAYS (default 0) ahead for
 * events that have happened, BUSINESS_DATE_AHEAD_DAYS (default 366) ahead for dates that are
 * naturally in the future. A payment dated 2099 must not freeze a fee 73 years long.
 */
export function businessDateWindow(
  kind: BusinessDateKind = 'happened',
  options: { today?: string; env?: Record<string, string | undefined> } = {},
): BusinessDateWindow {
  const env = options.env ?? process.env;
  const today = options.today ?? todayIn(env.FACTOR_TIMEZONE || 'UTC');
  const past = daysFromEnv(env, 'BUSINESS_DATE_PAST_DAYS', BUSINESS_DATE_DEFAULTS.pastDays);
  const ahead =
    kind === 'happened'
      ? daysFromEnv(env, 'BUSINESS_DATE_FUTURE_DAYS', BUSINESS_DATE_DEFAULTS.futureDays)
      : daysFromEnv(env, 'BUSINESS_DATE_AHEAD_DAYS', BUSINESS_DATE_DEFAULTS.aheadDays);
  return { today, earliest: addDays(today, -past), latest: addDays(today, ahead) };
}

/**
 * Refuses a business date outside the window (422 `date_out_of_range`), the message naming the
 * date as a person reads it: "Received date 2099-11-20 is in the future". `field` is the input's
 * name for `details` (default: the label). A malformed date is a 400 first.
 */
export function assertBusinessDateInWindow(
  date: unknown,
  label: string,
  kind: BusinessDateKind = 'happened',
  options: { field?: string; today?: string; env?: Record<string, string | undefined> } = {},
): string {
  const field = options.field ?? label;
  const value = parseBusinessDate(date, field);
  const window = businessDateWindow(kind, options);
  if (value > window.latest) {
    const message =
      window.latest === window.today
        ? `${label} ${value} is in the future; today is ${window.today}`
        : `${label} ${value} is too far ahead: it may be at most ${daysBetween(window.today, window.latest)} days after today (${window.latest} at the latest)`;
    throw new DomainError('date_out_of_range', message, {
      status: 422,
      details: { [field]: window.latest === window.today ? `must not be after today (${window.today})` : `must be on or before ${window.latest}` },
    });
  }
  if (value < window.earliest) {
    throw new DomainError(
      'date_out_of_range',
      `${label} ${value} is too far in the past: it may be at most ${daysBetween(window.earliest, window.today)} days before today (${window.earliest} at the earliest)`,
      {
        status: 422,
        details: { [field]: `must be on or after ${window.earliest}` },
      },
    );
  }
  return value;
}

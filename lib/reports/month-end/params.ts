import { z } from 'zod';
import { todayIn } from '../../dates';
import { DomainError } from '../../errors';
import { businessDate, currency, days, fieldErrors, optional, wholeNumber } from '../../validation/fields';
import { MAX_MONTHS, monthsBetween, periodOf } from '../fee-income';
import { DEFAULT_CROSS_AGE_PERCENT, DEFAULT_PAST_DUE_DAYS } from './formulas';

/**
 * The month-end reports' parameters, read from a query string (the screens keep them in the URL,
 * the API takes the same names): `asOf` (a business date, default today), `from`/`to` (months,
 * YYYY-MM, default the twelve to this one, at most 24), `pastDueDays` (N, default 90),
 * `crossAgePercent` (X, default 50), `currency` (optional: one currency only). A bad one is a
 * 400 naming the field's label.
 */
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = (label: string) => z.string().trim().regex(MONTH, `${label} must be a month written as YYYY-MM, e.g. 2026-04`);

const schema = z
  .object({
    asOf: optional(businessDate('As of')),
    from: optional(month('From month')),
    to: optional(month('To month')),
    pastDueDays: optional(days('Past due after (days)', { min: 1, max: 3650 })),
    crossAgePercent: optional(wholeNumber('Cross-age percent', { min: 1, max: 100 })),
    currency: optional(currency('Currency')),
    clientId: optional(wholeNumber('Client', { min: 1, max: Number.MAX_SAFE_INTEGER })),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'To month must not be before From month' });
    if (f.from && f.to && monthsBetween(f.from, f.to).length > MAX_MONTHS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `The period may be at most ${MAX_MONTHS} months: move From month or To month` });
    }
  });

export interface MonthEndParams {
  asOf: string;
  from: string;
  to: string;
  months: string[];
  pastDueDays: number;
  crossAgePercent: string;
  currency: string | null;
  clientId: string | null;
}

const KEYS = ['asOf', 'from', 'to', 'pastDueDays', 'crossAgePercent', 'currency', 'clientId'] as const;

/** Parses the parameters; throws a 400 DomainError naming the first bad field (`details` has each). */
export function parseMonthEndParams(params: URLSearchParams | Record<string, string | string[] | undefined>, today: string = todayIn()): MonthEndParams {
  const raw: Record<string, string | undefined> = {};
  for (const k of KEYS) {
    const v = params instanceof URLSearchParams ? (params.get(k) ?? undefined) : params[k];
    raw[k] = Array.isArray(v) ? v[0] : v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const details = fieldErrors(parsed.error);
    throw new DomainError('invalid_input', Object.values(details)[0] ?? 'The report parameters are not valid', { status: 400, details });
  }
  const f = parsed.data;
  const period = periodOf({ from: f.from, to: f.to }, today);
  return {
    asOf: f.asOf ?? today,
    from: period.from,
    to: period.to,
    months: period.months,
    pastDueDays: f.pastDueDays ?? DEFAULT_PAST_DUE_DAYS,
    crossAgePercent: f.crossAgePercent !== undefined ? String(f.crossAgePercent) : DEFAULT_CROSS_AGE_PERCENT,
    currency: f.currency ?? null,
    clientId: f.clientId !== undefined ? String(f.clientId) : null,
  };
}

/** The same parameters back as a query (for links: the screen's tabs, CSV and PDF). */
export function monthEndQuery(p: MonthEndParams): Record<string, string> {
  const q: Record<string, string> = { asOf: p.asOf, from: p.from, to: p.to, pastDueDays: String(p.pastDueDays), crossAgePercent: p.crossAgePercent };
  if (p.currency) q.currency = p.currency;
  if (p.clientId) q.clientId = p.clientId;
  return q;
}

import Big from 'big.js';
import { DomainError } from '../errors';

/**
 * Money and rates. SPEC 3: money is a decimal string at the edges, `numeric` in Postgres and
 * `Big` in code — never a JavaScript number. Amounts round half-up to the currency's minor unit.
 */

// Big prints plain digits (no exponent) for every amount we can hold.
Big.NE = -40;
Big.PE = 40;
Big.DP = 20;
Big.RM = Big.roundHalfUp;

export { Big };
export type Money = Big;

/** ISO 4217 minor units for currencies that differ from the usual 2. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

const CURRENCY_RE = /^[A-Z]{3}$/;
const DECIMAL_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export function assertCurrency(currency: string): string {
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency)) {
    throw new DomainError('invalid_currency', `"${String(currency)}" is not a currency code (three capital letters, e.g. USD)`, {
      status: 400,
    });
  }
  return currency;
}

export function minorUnits(currency: string): number {
  assertCurrency(currency);
  return MINOR_UNITS[currency] ?? 2;
}

function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * Parses a decimal string strictly: digits, an optional sign and point. No exponents, no
 * thousands separators, no NaN/Infinity, no JavaScript numbers.
 */
export function parseDecimal(input: unknown, options: { field?: string; maxDecimals?: number; allowNegative?: boolean } = {}): Big {
  const field = options.field ?? 'amount';
  if (typeof input !== 'string') {
    throw new DomainError('invalid_decimal', `${field} must be a decimal string such as "1250.00", not ${typeof input}`, {
      status: 400,
      details: { [field]: 'must be a decimal string' },
    });
  }
  const text = input.trim();
  if (!DECIMAL_RE.test(text)) {
    throw new DomainError('invalid_decimal', `${field} "${input}" is not a plain decimal number (digits and one point, no exponent)`, {
      status: 400,
      details: { [field]: 'not a plain decimal number' },
    });
  }
  if (options.maxDecimals !== undefined && decimalPlaces(text) > options.maxDecimals) {
    throw new DomainError('too_many_decimals', `${field} "${input}" has more than ${options.maxDecimals} decimal places`, {
      status: 400,
      details: { [field]: `at most ${options.maxDecimals} decimal places` },
    });
  }
  const value = new Big(text);
  if (!options.allowNegative && value.lt(0)) {
    throw new DomainError('negative_amount', `${field} "${input}" must not be negative`, {
      status: 400,
      details: { [field]: 'must not be negative' },
    });
  }
  return value;
}

/** Parses an amount of `currency`: at most the currency's minor units of decimals. */
export function parseMoney(input: unknown, currency: string, options: { field?: string; allowNegative?: boolean } = {}): Big {
  return parseDecimal(input, { ...options, maxDecimals: minorUnits(currency) });
}

/** Parses a rate such as "0.80" (at most 10 decimals, 0 ≤ rate unless negatives allowed). */
export function parseRate(input: unknown, field = 'rate'): Big {
  return parseDecimal(input, { field, maxDecimals: 10 });
}

/** Rounds half-up to the currency's minor unit (SPEC 3). */
export function roundMoney(value: Big, currency: string): Big {
  return value.round(minorUnits(currency), Big.roundHalfUp);
}

export function isRounded(value: Big, currency: string): boolean {
  return value.eq(roundMoney(value, currency));
}

/** Fixed-point text with exactly `places` decimals, rounding half-up. */
export function fixed(value: Big, places: number): string {
  const rounded = value.round(places, Big.roundHalfUp);
  const text = rounded.abs().toString();
  const [whole, frac = ''] = text.split('.');
  const body = places > 0 ? `${whole}.${frac.padEnd(places, '0')}` : `${whole}`;
  return rounded.lt(0) ? `-${body}` : body;
}

/** The edge format of money: "8000.00" (the currency's minor units, half-up). */
export function formatMoney(value: Big, currency: string): string {
  return fixed(value, minorUnits(currency));
}

/** A numeric column's text ("8000.0000") in the edge format of its currency ("8000.00"). */
export function moneyOut(value: string | Big | null | undefined, currency: string): string {
  return formatMoney(value === null || value === undefined ? new Big(0) : new Big(value), currency);
}

/** For people, without the currency: "8,000.00" (thousands grouped, the currency's minor units). */
export function groupedMoney(value: Big | string, currency: string): string {
  const text = formatMoney(typeof value === 'string' ? new Big(value) : value, currency);
  const negative = text.startsWith('-');
  const [whole, frac] = (negative ? text.slice(1) : text).split('.');
  const grouped = (whole ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** For people: "8,000.00 USD". */
export function displayMoney(value: Big | string, currency: string): string {
  return `${groupedMoney(value, currency)} ${currency}`;
}

/** Rates at the edge: "0.80", "0.125", "1.00" — at least two decimals, no trailing noise. */
export function formatRate(value: Big): string {
  const [whole, frac = ''] = value.toString().split('.');
  return `${whole}.${frac.padEnd(2, '0')}`;
}

export function sum(values: Iterable<Big>): Big {
  let total = new Big(0);
  for (const v of values) total = total.plus(v);
  return total;
}

export const ZERO = new Big(0);

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

/**
 * ISO 4217 (list one): the active codes of currencies that circulate, each with its minor units.
 * Left out on purpose: the funds and accounting units (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI,
 * UYW), the X-codes that are no currency (XAG, XAU, XPD, XPT, XBA–XBD, XDR, XSU, XUA), the
 * testing code XTS and "no currency" XXX, and codes withdrawn from the list (ANG → XCG, HRK,
 * CUC, SLL → SLE, ZWL → ZWG, MRO, STD, VEF, BYR …).
 */
const ISO_4217: Readonly<Record<string, number>> = {
  AED: 2,
  AFN: 2,
  ALL: 2,
  AMD: 2,
  AOA: 2,
  ARS: 2,
  AUD: 2,
  AWG: 2,
  AZN: 2,
  BAM: 2,
  BBD: 2,
  BDT: 2,
  BGN: 2,
  BHD: 3,
  BIF: 0,
  BMD: 2,
  BND: 2,
  BOB: 2,
  BRL: 2,
  BSD: 2,
  BTN: 2,
  BWP: 2,
  BYN: 2,
  BZD: 2,
  CAD: 2,
  CDF: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CRC: 2,
  CUP: 2,
  CVE: 2,
  CZK: 2,
  DJF: 0,
  DKK: 2,
  DOP: 2,
  DZD: 2,
  EGP: 2,
  ERN: 2,
  ETB: 2,
  EUR: 2,
  FJD: 2,
  FKP: 2,
  GBP: 2,
  GEL: 2,
  GHS: 2,
  GIP: 2,
  GMD: 2,
  GNF: 0,
  GTQ: 2,
  GYD: 2,
  HKD: 2,
  HNL: 2,
  HTG: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  IQD: 3,
  IRR: 2,
  ISK: 0,
  JMD: 2,
  JOD: 3,
  JPY: 0,
  KES: 2,
  KGS: 2,
  KHR: 2,
  KMF: 0,
  KPW: 2,
  KRW: 0,
  KWD: 3,
  KYD: 2,
  KZT: 2,
  LAK: 2,
  LBP: 2,
  LKR: 2,
  LRD: 2,
  LSL: 2,
  LYD: 3,
  MAD: 2,
  MDL: 2,
  MGA: 2,
  MKD: 2,
  MMK: 2,
  MNT: 2,
  MOP: 2,
  MRU: 2,
  MUR: 2,
  MVR: 2,
  MWK: 2,
  MXN: 2,
  MYR: 2,
  MZN: 2,
  NAD: 2,
  NGN: 2,
  NIO: 2,
  NOK: 2,
  NPR: 2,
  NZD: 2,
  OMR: 3,
  PAB: 2,
  PEN: 2,
  PGK: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  PYG: 0,
  QAR: 2,
  RON: 2,
  RSD: 2,
  RUB: 2,
  RWF: 0,
  SAR: 2,
  SBD: 2,
  SCR: 2,
  SDG: 2,
  SEK: 2,
  SGD: 2,
  SHP: 2,
  SLE: 2,
  SOS: 2,
  SRD: 2,
  SSP: 2,
  STN: 2,
  SVC: 2,
  SYP: 2,
  SZL: 2,
  THB: 2,
  TJS: 2,
  TMT: 2,
  TND: 3,
  TOP: 2,
  TRY: 2,
  TTD: 2,
  TWD: 2,
  TZS: 2,
  UAH: 2,
  UGX: 0,
  USD: 2,
  UYU: 2,
  UZS: 2,
  VED: 2,
  VES: 2,
  VND: 0,
  VUV: 0,
  WST: 2,
  XAF: 0,
  XCD: 2,
  XCG: 2,
  XOF: 0,
  XPF: 0,
  YER: 2,
  ZAR: 2,
  ZMW: 2,
  ZWG: 2,
};

/** Every currency code a new book, invoice or payment may use, sorted. */
export const ISO_CURRENCIES: readonly string[] = Object.keys(ISO_4217).sort();

const CURRENCY_RE = /^[A-Z]{3}$/;
const DECIMAL_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** An active ISO 4217 currency code (see ISO_4217): "USD" yes; "usd", "XXX", "XTS", "QQQ" no. */
export function isIsoCurrency(value: unknown): value is string {
  return typeof value === 'string' && Object.hasOwn(ISO_4217, value);
}

/**
 * Where a currency enters (a client's home currency, an agreement's currencies, an invoice, a
 * payment): an active ISO 4217 code, else a 400 naming the field.
 */
export function assertCurrency(currency: unknown, field = 'currency'): string {
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency)) {
    throw new DomainError('invalid_currency', `${field} "${String(currency)}" is not a currency code (three capital letters, e.g. USD)`, {
      status: 400,
      details: { [field]: 'must be an ISO 4217 currency code such as USD' },
    });
  }
  if (!isIsoCurrency(currency)) {
    throw new DomainError('invalid_currency', `${field} "${currency}" is not an ISO 4217 currency code (such as USD, EUR or JPY)`, {
      status: 400,
      details: { [field]: 'must be an ISO 4217 currency code such as USD' },
    });
  }
  return currency;
}

/**
 * The shape of a code (three capital letters) without the ISO check: for books that exist
 * already, so the ledger can still post (reverse, refund, charge back) in a currency entered
 * before codes were checked. New money never enters in one (assertCurrency at every entry).
 */
export function assertCurrencyCode(currency: string): string {
  if (typeof currency !== 'string' || !CURRENCY_RE.test(currency)) {
    throw new DomainError('invalid_currency', `"${String(currency)}" is not a currency code (three capital letters, e.g. USD)`, {
      status: 400,
    });
  }
  return currency;
}

/** ISO 4217 minor units (JPY 0, BHD/KWD 3, most 2); a well-formed code outside the list: 2. */
export function minorUnits(currency: string): number {
  assertCurrencyCode(currency);
  return ISO_4217[currency] ?? 2;
}

/**
 * Money columns are numeric(20,4): 16 digits before the point. An amount may have at most 15, so
 * a sum of several still fits and no input ever reaches Postgres as an overflow.
 */
export const MAX_MONEY_INTEGER_DIGITS = 15;
/** Rate columns are numeric(12,10): 2 digits before the point. */
export const MAX_RATE_INTEGER_DIGITS = 2;

/** A value from the input, shortened so one bad field cannot flood a message. */
function shown(input: string): string {
  return input.length > 40 ? `${input.slice(0, 40)}…` : input;
}

function integerDigits(text: string): number {
  const unsigned = text.startsWith('-') ? text.slice(1) : text;
  const dot = unsigned.indexOf('.');
  return dot < 0 ? unsigned.length : dot;
}

function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * Parses a decimal string strictly: digits, an optional sign and point. No exponents, no
 * thousands separators, no NaN/Infinity, no JavaScript numbers, and at most `maxIntegerDigits`
 * (default 15, what a money column holds with room for sums) before the point.
 */
export function parseDecimal(input: unknown, options: { field?: string; maxDecimals?: number; maxIntegerDigits?: number; allowNegative?: boolean } = {}): Big {
  const field = options.field ?? 'amount';
  if (typeof input !== 'string') {
    throw new DomainError('invalid_decimal', `${field} must be a decimal string such as "1250.00", not ${typeof input}`, {
      status: 400,
      details: { [field]: 'must be a decimal string' },
    });
  }
  const text = input.trim();
  if (!DECIMAL_RE.test(text)) {
    throw new DomainError('invalid_decimal', `${field} "${shown(input)}" is not a plain decimal number (digits and one point, no exponent)`, {
      status: 400,
      details: { [field]: 'not a plain decimal number' },
    });
  }
  const maxIntegerDigits = options.maxIntegerDigits ?? MAX_MONEY_INTEGER_DIGITS;
  if (integerDigits(text) > maxIntegerDigits) {
    throw new DomainError('too_large', `${field} "${shown(input)}" is too large: at most ${maxIntegerDigits} digits before the decimal point`, {
      status: 400,
      details: { [field]: `at most ${maxIntegerDigits} digits before the decimal point` },
    });
  }
  if (options.maxDecimals !== undefined && decimalPlaces(text) > options.maxDecimals) {
    throw new DomainError('too_many_decimals', `${field} "${shown(input)}" has more than ${options.maxDecimals} decimal places`, {
      status: 400,
      details: { [field]: `at most ${options.maxDecimals} decimal places` },
    });
  }
  const value = new Big(text);
  if (!options.allowNegative && value.lt(0)) {
    throw new DomainError('negative_amount', `${field} "${shown(input)}" must not be negative`, {
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

/** Parses a rate such as "0.80" (at most 10 decimals and 2 digits before the point; 0 ≤ rate). */
export function parseRate(input: unknown, field = 'rate'): Big {
  return parseDecimal(input, { field, maxDecimals: 10, maxIntegerDigits: MAX_RATE_INTEGER_DIGITS });
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

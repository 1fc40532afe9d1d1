import { Big, formatMoney, isIsoCurrency, minorUnits } from '../../money';

/**
 * The values of a bank file as its parsers read them: amounts (exact, as Big from the text, never a
 * number), currencies, free text. Pure — no node modules — so the console's mapping preview can
 * read a file's first lines in the browser exactly as the importer will.
 */

/** numeric(20,4) keeps 16 digits before the point. */
const AMOUNT_LIMIT = new Big('10000000000000000');
const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** An active ISO 4217 code (not XXX, XTS or a made-up QQQ). */
export const isCurrencyCode = (value: string): boolean => isIsoCurrency(value);

/** Whitespace and control characters become single spaces; the ends are trimmed. */
export function collapse(text: string | undefined | null): string {
  return (text ?? '').replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Quotes a value from the file for a message, shortened so one bad cell cannot flood the report. */
export function quote(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown);
}

function checkedMoney(value: Big, raw: string, what: string, currency: string): Checked<string> {
  if (value.lte(0)) return { ok: false, problem: `${what} ${quote(raw)} must be more than zero` };
  if (value.gte(AMOUNT_LIMIT)) return { ok: false, problem: `${what} ${quote(raw)} is too large` };
  return { ok: true, value: formatMoney(value, currency) };
}

/**
 * A decimal amount as written in a CSV or camt.053 file ("1250.00", "1250", "0012.5").
 * Exact: no exponents, no thousands separators, no sign. More decimals than the currency has
 * are refused unless they are only trailing zeros ("1500.00" JPY is 1500 exactly, "1.005" USD is not).
 */
export function readDecimalAmount(raw: string, currency: string, what = 'amount'): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: `the ${what} is empty` };
  const m = DECIMAL_RE.exec(text);
  if (!m) {
    if (/^-/.test(text) && DECIMAL_RE.test(text.slice(1))) {
      return { ok: false, problem: `${what} ${quote(raw)} is negative; list only incoming payments, as positive amounts` };
    }
    return {
      ok: false,
      problem: `${what} ${quote(raw)} is not a decimal number; write it like 1250.00 (digits and one point, no thousands separators, no exponent)`,
    };
  }
  return exactDecimal(m, text, raw, currency, what);
}

function exactDecimal(m: RegExpExecArray, text: string, raw: string, currency: string, what: string): Checked<string> {
  const places = minorUnits(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > places && /[^0]/.test(fraction.slice(places))) {
    return { ok: false, problem: `${what} ${quote(raw)} has more decimal places than ${currency} allows (${places})` };
  }
  return checkedMoney(new Big(text), raw, what, currency);
}

/**
 * An amount already rewritten as plain digits and one point (`canonical`, e.g. "8000.00" read from
 * "8.000,00"), checked with the rules of readDecimalAmount; the messages quote it as the file
 * wrote it (`raw`).
 */
export function readCanonicalAmount(canonical: string, raw: string, currency: string, what = 'amount'): Checked<string> {
  const m = DECIMAL_RE.exec(canonical);
  if (!m) return { ok: false, problem: `${what} ${quote(raw)} is not a number` };
  return exactDecimal(m, canonical, raw, currency, what);
}

/**
 * A CSV amount that may be negative: "-1250.00" is money out (a debit) of 1250.00, read with the
 * same rules as readDecimalAmount (the messages quote the amount as written, sign included).
 */
export function readSignedDecimalAmount(raw: string, currency: string, what = 'amount'): Checked<{ amount: string; debit: boolean }> {
  const text = raw.trim();
  const debit = text.startsWith('-');
  let checked: Checked<string>;
  if (!debit) checked = readDecimalAmount(raw, currency, what);
  else {
    const m = DECIMAL_RE.exec(text.slice(1));
    checked = m
      ? exactDecimal(m, text.slice(1), raw, currency, what)
      : {
          ok: false,
          problem: `${what} ${quote(raw)} is not a decimal number; write it like 1250.00 or -1250.00 (digits and one point, no thousands separators, no exponent)`,
        };
  }
  return checked.ok ? { ok: true, value: { amount: checked.value, debit } } : checked;
}

/** The non-empty values, whitespace collapsed, each once, in order (a debit's references). */
export function distinctTexts(values: (string | undefined)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    const text = collapse(value);
    if (text === '' || seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}

/**
 * A BAI2 amount: a whole number of the currency's smallest unit, no point ("1250000" USD is 12500.00).
 */
export function readMinorUnitAmount(raw: string, currency: string, what = 'amount'): Checked<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: `the ${what} is empty` };
  const places = minorUnits(currency);
  const unit = places === 2 ? 'cents' : `the smallest unit of ${currency}`;
  if (!/^\d+$/.test(text)) {
    return { ok: false, problem: `${what} ${quote(raw)} is not a whole number (BAI2 amounts are in ${unit}, without a decimal point)` };
  }
  return checkedMoney(new Big(text).div(new Big(10).pow(places)), raw, what, currency);
}

import { createHash } from 'node:crypto';
import { Big, formatMoney, isIsoCurrency, minorUnits } from '../../money';
import type { BankFileFormat, ParsedPayment, PaymentWithoutKey } from './types';

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

/** Maps character offsets to 1-based physical lines (CRLF, LF or a lone CR each end a line). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i += 1) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The de-duplication keys of a file's payments, in file order. With a bank reference the key is
 * `${format}:${bankReference}`; without one it is a hash of what the payment says plus how many
 * times the same payment has appeared before it in the file, so two identical wires on one day stay
 * two payments and re-importing the same file gives the same keys (never the line number: a
 * re-exported file may move lines). A bank reference seen again in the same file gets `#2`, `#3` …
 */
export function withExternalRefs(format: BankFileFormat, payments: PaymentWithoutKey[]): ParsedPayment[] {
  const seen = new Map<string, number>();
  const occurrence = (key: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
  return payments.map((p) => {
    if (p.bankReference !== '') {
      const n = occurrence(`ref\u0000${p.bankReference}`);
      return { ...p, externalRef: n === 1 ? `${format}:${p.bankReference}` : `${format}:${p.bankReference}#${n}` };
    }
    const tuple = [p.receivedDate, p.amount, p.currency, p.payerName, p.reference];
    const n = occurrence(`tuple\u0000${JSON.stringify(tuple)}`);
    const digest = createHash('sha256')
      .update(JSON.stringify([...tuple, n]))
      .digest('hex');
    return { ...p, externalRef: `${format}:${digest}` };
  });
}

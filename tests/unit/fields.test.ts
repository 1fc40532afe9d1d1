import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  array,
  boolean,
  businessDate,
  checkMinorUnits,
  checkbox,
  choice,
  currency,
  days,
  email,
  fieldErrors,
  fieldInfo,
  formMoney,
  formRate,
  formValues,
  id,
  invoiceNumber,
  issueCode,
  list,
  money,
  optional,
  rate,
  text,
  wholeNumber,
} from '../../lib/validation/fields';

/**
 * The shared field schemas (issue 12): one meaning per field everywhere, and every message in a
 * person's words naming the field's label — never a path, never zod's own wording.
 */

/** The value, or the one message of a failed parse. */
function parse(schema: z.ZodType, value: unknown): { ok: true; value: unknown } | { ok: false; message: string; code: string | undefined } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, message: issue.message, code: issueCode(issue) };
}
const ok = (schema: z.ZodType, value: unknown) => {
  const r = parse(schema, value);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(value)} to parse, got "${r.message}"`);
  return r.value;
};
const refused = (schema: z.ZodType, value: unknown) => {
  const r = parse(schema, value);
  if (r.ok) throw new Error(`expected ${JSON.stringify(value)} to be refused, got ${JSON.stringify(r.value)}`);
  return r.message;
};

// zod's own wording, or a path, must never reach a person.
const ZOD_WORDING = /Too (big|small)|expected |Invalid (input|option|string|type)|received |Required$|\bNaN\b|\.[a-z]+[A-Z]/;

describe('money: an amount written as digits', () => {
  it('takes "12500", "12500.00" and "0" as decimal strings; the strict (API) form refuses thousands separators', () => {
    expect(ok(money('Face value'), '12500')).toBe('12500');
    expect(ok(money('Face value'), ' 12500.00 ')).toBe('12500');
    expect(ok(money('Face value'), '0')).toBe('0');
    expect(refused(money('Face value'), '12,500.00')).toBe('Face value must be an amount written as digits, such as 12500.00');
  });

  it('a form also takes "12,500.00" and "1,234,567.89" (grouped by thousands), not "1,2345" or ",500"', () => {
    expect(ok(formMoney('Credit limit'), '12,500.00')).toBe('12500');
    expect(ok(formMoney('Credit limit'), '1,234,567.89')).toBe('1234567.89');
    expect(refused(formMoney('Credit limit'), '1,2345')).toBe('Credit limit must be an amount written as digits, such as 12,500.00');
    expect(refused(formMoney('Credit limit'), ',500')).toContain('Credit limit must be an amount');
  });

  it('refuses exponents, letters, percentages, "0.8x" and JSON numbers (API.md: decimal strings)', () => {
    expect(refused(money('Amount'), '1e5')).toBe('Amount must be written out in digits (no exponent such as 1e5)');
    expect(refused(formMoney('Amount'), '2E3')).toBe('Amount must be written out in digits (no exponent such as 1e5)');
    for (const bad of ['12a', '0.8x', '25%', 'abc', '1.2.3', '.5', '5.', '012', '$100', 'NaN', 'Infinity', '١٢٣']) {
      expect(refused(money('Amount'), bad), bad).toMatch(/^Amount must be /);
    }
    expect(refused(money('Amount'), 12500)).toBe('Amount must be an amount written as digits, such as 12500.00');
    expect(refused(money('Amount'), ['1'])).toMatch(/^Amount must be /);
    expect(refused(money('Amount'), { amount: '1' })).toMatch(/^Amount must be /);
    expect(parse(money('Amount'), '1e5')).toMatchObject({ code: 'invalid_decimal' });
  });

  it('refuses a negative amount unless allowed, naming it', () => {
    expect(parse(money('Amount'), '-5')).toEqual({ ok: false, message: 'Amount must not be negative', code: 'negative_amount' });
    expect(ok(money('Adjustment', { allowNegative: true }), '-5.25')).toBe('-5.25');
    expect(ok(money('Adjustment', { allowNegative: true }), '-0')).toBe('0');
  });

  it('refuses more decimals than the currency has: 2 in USD, none in JPY, 3 in BHD; 4 (the ledger) without a currency', () => {
    expect(ok(money('Amount', { currency: 'USD' }), '10.25')).toBe('10.25');
    expect(parse(money('Amount', { currency: 'USD' }), '10.255')).toEqual({
      ok: false,
      message: 'Amount may have at most 2 decimal places in USD',
      code: 'too_many_decimals',
    });
    expect(refused(money('Amount', { currency: 'JPY' }), '10.5')).toBe('Amount must be a whole amount (JPY has no cents)');
    expect(ok(money('Amount', { currency: 'BHD' }), '10.125')).toBe('10.125');
    expect(ok(money('Amount'), '10.1234')).toBe('10.1234');
    expect(refused(money('Amount'), '10.12345')).toBe('Amount may have at most 4 decimal places');
  });

  it('checkMinorUnits checks an amount against a currency given in another field, on that field', () => {
    const schema = z
      .object({ amount: money('Amount'), currency: currency() })
      .superRefine((v, ctx) => checkMinorUnits(ctx, ['amount'], 'Amount', v.amount, v.currency));
    expect(ok(schema, { amount: '100.50', currency: 'USD' })).toEqual({ amount: '100.5', currency: 'USD' });
    const r = schema.safeParse({ amount: '100.5', currency: 'JPY' });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!)).toEqual({ amount: 'Amount must be a whole amount (JPY has no cents)' });
  });

  it('refuses an amount too large for a numeric(20,4) column ("9" × 40), zero when not allowed, and above a maximum', () => {
    expect(parse(money('Amount'), '9'.repeat(40))).toEqual({
      ok: false,
      message: 'Amount is too large: at most 15 digits before the decimal point',
      code: 'too_large',
    });
    expect(ok(money('Amount'), '9'.repeat(15))).toBe('9'.repeat(15));
    expect(refused(money('Amount', { allowZero: false }), '0.00')).toBe('Amount must be more than 0');
    expect(refused(money('Amount', { max: '1000' }), '1000.01')).toBe('Amount must be at most 1000');
  });

  it('says "is required" for nothing, an empty or a blank value', () => {
    for (const empty of [undefined, null, '', '   ']) expect(refused(money('Amount'), empty)).toBe('Amount is required');
  });
});

describe('rates: one convention on every form, a fraction in the API', () => {
  it('on a form 80, 80% and 0.80 all mean 0.80; 0.5% is half a percent; 1 or more without % is a percentage', () => {
    for (const typed of ['80', '80%', '0.80', '0.8', ' 80 % ', '80.0']) expect(ok(formRate('Advance rate'), typed), typed).toBe('0.8');
    expect(ok(formRate('Fee rate'), '0.5%')).toBe('0.005');
    expect(ok(formRate('Concentration limit'), '25%')).toBe('0.25');
    expect(ok(formRate('Fee rate'), '1')).toBe('0.01');
    expect(ok(formRate('Advance rate'), '100%')).toBe('1');
  });

  it('refuses "0.8x", letters, exponents and negatives with the label, and bounds with "between 1% and 100%"', () => {
    expect(refused(formRate('Advance rate'), '0.8x')).toBe('Advance rate must be a percentage such as 80% (or 0.80)');
    for (const bad of ['abc', '1e2', '-80', '80%%', '%80', '8 0'])
      expect(refused(formRate('Advance rate'), bad), bad).toBe('Advance rate must be a percentage such as 80% (or 0.80)');
    expect(refused(formRate('Advance rate', { min: '0.01' }), '0.001')).toBe('Advance rate must be between 1% and 100%');
    expect(refused(formRate('Advance rate'), '150')).toBe('Advance rate must be between 0% and 100%');
    expect(refused(formRate('Advance rate'), '')).toBe('Advance rate is required');
  });

  it('the API takes a decimal fraction string ("0.80") only: 80, "80%" and numbers are refused', () => {
    expect(ok(rate('Advance rate'), '0.80')).toBe('0.8');
    expect(ok(rate('Advance rate'), '1')).toBe('1');
    expect(refused(rate('Advance rate'), '80')).toBe('Advance rate must be between 0% and 100%');
    expect(refused(rate('Advance rate'), '80%')).toBe('Advance rate must be a decimal fraction such as "0.80"');
    expect(refused(rate('Advance rate'), 0.8)).toBe('Advance rate must be a decimal fraction such as "0.80"');
    expect(refused(rate('Annual fee rate', { max: '5' }), '0.123456789012')).toBe('Annual fee rate may have at most 10 decimal places');
  });
});

describe('ids, dates, currencies, counts', () => {
  it('an id is a positive whole number, as digits or a JSON integer; anything else is refused naming the label', () => {
    expect(ok(id('Client'), '12')).toBe(12);
    expect(ok(id('Client'), 12)).toBe(12);
    expect(ok(id('Client'), ' 7 ')).toBe(7);
    for (const bad of ['0', '-1', '1.5', 'abc', '12abc', '0x10', '1e3', 1.5, -3, true, ['1'], { id: 1 }]) {
      expect(refused(id('Client'), bad), JSON.stringify(bad)).toMatch(/^Client must be a (whole )?number/);
    }
    expect(refused(id('Client'), '9'.repeat(40))).toBe('Client must be a whole number such as 12');
    expect(refused(id('Client'), '9999999999999999')).toBe('Client is not a known record');
    expect(refused(id('Client'), 2 ** 60)).toMatch(/^Client must be /);
    expect(refused(id('Client'), '')).toBe('Client is required');
  });

  it('a business date is a real date written YYYY-MM-DD: 2026-02-30 and 2026/02/28 are refused', () => {
    expect(ok(businessDate('Issue date'), '2026-02-28')).toBe('2026-02-28');
    expect(ok(businessDate('Issue date'), '2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-30', '2026-13-01', '2026/02/28', '28.02.2026', '2026-2-8', 'today', '20260228', '2026-02-28T00:00:00Z']) {
      expect(refused(businessDate('Issue date'), bad), bad).toBe('Issue date must be a real date written YYYY-MM-DD, such as 2026-03-31');
    }
    expect(refused(businessDate('Issue date'), 20260228)).toBe('Issue date must be a date written YYYY-MM-DD');
    expect(refused(businessDate('Issue date'), undefined)).toBe('Issue date is required');
    // far ahead is well-formed: whether it is allowed is the command's rule (422 date_out_of_range)
    expect(ok(businessDate('Issue date'), '2999-01-01')).toBe('2999-01-01');
  });

  it('a currency is an active ISO 4217 code, upper-cased as typed: XYZ and XXX are refused', () => {
    expect(ok(currency(), 'usd')).toBe('USD');
    expect(ok(currency('Home currency'), ' EUR ')).toBe('EUR');
    for (const bad of ['XYZ', 'XXX', 'US', 'USDD', '€', ''])
      expect(refused(currency('Home currency'), bad), bad).toMatch(/^Home currency (must be an ISO 4217 currency code such as USD, EUR or JPY|is required)$/);
  });

  it('days and whole numbers are digits in their range', () => {
    expect(ok(days('Recourse days'), '90')).toBe(90);
    expect(ok(days('Recourse days'), 90)).toBe(90);
    expect(refused(days('Recourse days'), '90.5')).toBe('Recourse days must be a whole number of days, such as 30');
    expect(refused(days('Recourse days'), '-1')).toBe('Recourse days must be a whole number of days, such as 30');
    expect(refused(days('Recourse days'), '4000')).toBe('Recourse days must be between 0 and 3650 days');
    expect(ok(wholeNumber('Risk score', { max: 100 }), '55')).toBe(55);
    expect(refused(wholeNumber('Risk score', { max: 100 }), '101')).toBe('Risk score must be between 0 and 100');
  });
});

describe('text a person typed', () => {
  it('is trimmed and bounded; emoji and accents are text', () => {
    expect(ok(text('Name'), '  Acme Freight  ')).toBe('Acme Freight');
    expect(ok(text('Name'), 'Café 🚚 Ünïcode')).toBe('Café 🚚 Ünïcode');
    expect(ok(text('Memo'), 'two\nlines\twith tab')).toBe('two\nlines\twith tab');
    expect(refused(text('Name', { max: 10 }), 'x'.repeat(11))).toBe('Name must be at most 10 characters');
    expect(refused(text('Name'), 'x'.repeat(100_000))).toBe('Name must be at most 500 characters');
    expect(refused(text('Name'), '   ')).toBe('Name is required');
    expect(refused(text('Name', { min: 3 }), 'ab')).toBe('Name must be at least 3 characters');
  });

  it('refuses a NUL byte, other control characters and a lone surrogate, naming the label', () => {
    const message = 'Name contains characters that cannot be stored (control characters or broken unicode)';
    expect(refused(text('Name'), 'Nul\u0000 Inc')).toBe(message);
    expect(refused(text('Name'), 'Bell\u0007')).toBe(message);
    expect(refused(text('Name'), 'Half \ud83d pair')).toBe(message);
    expect(refused(text('Name'), 'Low \ude00 half')).toBe(message);
    expect(refused(invoiceNumber(), 'A-1\u0000')).toBe('Invoice number contains characters that cannot be stored (control characters or broken unicode)');
    expect(refused(email('Contact email'), 'a\u0000b@example.com')).toMatch(/^Contact email /);
  });

  it('refuses what is not text: numbers, lists, objects', () => {
    for (const bad of [42, ['a'], { a: 1 }, true]) expect(refused(text('Reason'), bad)).toBe('Reason must be text');
  });

  it('an email is lower-cased and needs one @ and a dot in its domain', () => {
    expect(ok(email(), ' AP@Example.COM ')).toBe('ap@example.com');
    for (const bad of ['ap', 'ap@example', '@example.com', 'a p@example.com', 'a@b@c.com'])
      expect(refused(email('Contact email'), bad)).toBe('Contact email must be an email address such as ap@example.com');
  });
});

describe('choices, checkboxes, lists and optional fields', () => {
  it('a choice lists the values as a person reads them', () => {
    const outcome = choice('Outcome', ['paid', 'credit_note', 'chargeback'], { credit_note: 'credit note' });
    expect(ok(outcome, 'credit_note')).toBe('credit_note');
    expect(refused(outcome, 'refund')).toBe('Outcome must be one of: paid, credit note, chargeback');
    expect(refused(outcome, '')).toBe('Outcome is required');
    expect(refused(outcome, ['paid'])).toBe('Outcome must be one of: paid, credit note, chargeback');
  });

  it('a checkbox is present or absent; a JSON flag is true or false only', () => {
    expect(ok(checkbox(), 'on')).toBe(true);
    expect(ok(checkbox(), undefined)).toBe(false);
    expect(ok(boolean('Statement emails'), false)).toBe(false);
    expect(refused(boolean('Statement emails'), 'yes')).toBe('Statement emails must be true or false');
    expect(refused(boolean('Statement emails'), 1)).toBe('Statement emails must be true or false');
  });

  it('a form list takes one value or several; a JSON array must be an array, bounded, each item named by its index', () => {
    expect(ok(list('Invoice', id('Invoice'), { min: 1 }), '5')).toEqual([5]);
    expect(ok(list('Invoice', id('Invoice'), { min: 1 }), ['5', '6'])).toEqual([5, 6]);
    expect(refused(list('Invoice', id('Invoice'), { min: 1 }), '')).toBe('Choose at least one invoice');
    const ids = array('Invoices', id('Invoice'), { min: 1, max: 3 });
    expect(ok(ids, [1, '2'])).toEqual([1, 2]);
    expect(refused(ids, '5')).toBe('Invoices must be a list');
    expect(refused(ids, { 0: 1 })).toBe('Invoices must be a list');
    expect(refused(ids, [])).toBe('Invoices must have at least one entry');
    expect(refused(ids, [1, 2, 3, 4])).toBe('Invoices must have at most 3 entries');
    const r = z.object({ invoiceIds: ids }).safeParse({ invoiceIds: [1, 'x'] });
    expect(fieldErrors(r.error!)).toEqual({ 'invoiceIds.1': 'Invoice must be a whole number such as 12' });
  });

  it('optional: a missing key, null, an empty or a blank field is undefined; anything else must be valid', () => {
    const when = optional(businessDate('Refund date'));
    for (const none of [undefined, null, '', '  ']) expect(ok(when, none)).toBeUndefined();
    expect(refused(when, '2026-02-30')).toBe('Refund date must be a real date written YYYY-MM-DD, such as 2026-03-31');
  });
});

describe('field errors name the label, keyed by the field', () => {
  const schema = z.object({
    name: text('Name', { max: 200 }),
    advanceRate: formRate('Advance rate', { min: '0.01' }),
    concentrationLimit: formRate('Concentration limit'),
    creditLimit: formMoney('Credit limit'),
    currency: currency('Home currency'),
    effectiveFrom: optional(businessDate('Effective date')),
    nested: z.object({ amount: money('Cap') }).optional(),
  });

  it('one message per field, naming its label, never a path or zod’s words', () => {
    const r = schema.safeParse({
      name: '',
      advanceRate: '0.8x',
      concentrationLimit: '25%',
      creditLimit: '1e5',
      currency: 'XYZ',
      effectiveFrom: '2026-02-30',
      nested: { amount: 'lots' },
    });
    expect(r.success).toBe(false);
    const errors = fieldErrors(r.error!);
    expect(errors).toEqual({
      name: 'Name is required',
      advanceRate: 'Advance rate must be a percentage such as 80% (or 0.80)',
      creditLimit: 'Credit limit must be written out in digits (no exponent such as 1e5)',
      currency: 'Home currency must be an ISO 4217 currency code such as USD, EUR or JPY',
      effectiveFrom: 'Effective date must be a real date written YYYY-MM-DD, such as 2026-03-31',
      'nested.amount': 'Cap must be an amount written as digits, such as 12500.00',
    });
    for (const message of Object.values(errors)) expect(message).not.toMatch(ZOD_WORDING);
  });

  it('wrong types anywhere get the label too (numbers, lists, objects where text is expected)', () => {
    const r = schema.safeParse({ name: ['a'], advanceRate: { v: 1 }, concentrationLimit: 80, creditLimit: [], currency: 1 });
    const errors = fieldErrors(r.error!);
    expect(Object.keys(errors).sort()).toEqual(['advanceRate', 'concentrationLimit', 'creditLimit', 'currency', 'name']);
    for (const [field, message] of Object.entries(errors)) {
      expect(message, field).not.toMatch(ZOD_WORDING);
      expect(message, field).toMatch(/^(Name|Advance rate|Concentration limit|Credit limit|Home currency) /);
    }
  });

  it('formValues: repeated names become a list, files are left out', () => {
    const form = new FormData();
    form.append('name', 'Acme');
    form.append('invoiceIds', '1');
    form.append('invoiceIds', '2');
    form.append('file', new Blob(['x']), 'x.csv');
    form.append('$ACTION_ID_abc', '');
    expect(formValues(form)).toEqual({ name: 'Acme', invoiceIds: ['1', '2'] });
    // names that would reach the prototype are not input; "constructor" is a name like any other
    const sly = new FormData();
    sly.append('__proto__', 'x');
    sly.append('__proto__', 'y');
    sly.append('constructor', 'a');
    sly.append('constructor', 'b');
    const values = formValues(sly);
    expect(values).toEqual({ constructor: ['a', 'b'] });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it('fieldInfo tells the kind and label of a field schema (for tests that generate inputs), optional ones marked', () => {
    expect(fieldInfo(money('Face value'))).toEqual({ kind: 'money', label: 'Face value' });
    expect(fieldInfo(formRate('Advance rate'))).toEqual({ kind: 'formRate', label: 'Advance rate' });
    expect(fieldInfo(optional(businessDate('Refund date')))).toEqual({ kind: 'businessDate', label: 'Refund date', optional: true });
    expect(fieldInfo(choice('Outcome', ['a', 'b']))).toMatchObject({ kind: 'choice', values: ['a', 'b'] });
    expect(fieldInfo(text('Name', { max: 40 }))).toEqual({ kind: 'text', label: 'Name', max: 40 });
    expect(fieldInfo(text('Routing number').refine((v) => v.length === 9))).toMatchObject({ kind: 'text', label: 'Routing number' });
    expect(fieldInfo(z.string())).toBeUndefined();
  });
});

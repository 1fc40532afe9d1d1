import { describe, expect, it } from 'vitest';
import { AGREEMENT_FORM_FIELDS, agreementFormSchema, agreementToForm } from '../../lib/agreements/form';
import { agreementTermsSchema, type AgreementTermsInput } from '../../lib/agreements/terms';
import { fieldErrors } from '../../lib/validation/fields';
import { currency, optional } from '../../lib/validation/fields';

/** The agreement part of a form, with the currency its amounts are in (when the form has one). */
const schema = agreementFormSchema({ currency: optional(currency('Home currency')) });

function terms(fields: Record<string, string>) {
  const result = schema.safeParse(fields);
  if (!result.success) throw new Error(`refused: ${JSON.stringify(fieldErrors(result.error))}`);
  return result.data.agreement;
}

function errors(fields: Record<string, string>) {
  const result = schema.safeParse(fields);
  expect(result.success, `expected ${JSON.stringify(fields)} to be refused`).toBe(false);
  return fieldErrors(result.error!);
}

describe('the agreement form (SPEC 2): what people type, the terms the API takes', () => {
  it('an empty form gives the agreement defaults', () => {
    const blank = Object.fromEntries(AGREEMENT_FORM_FIELDS.map((k) => [k, '']));
    expect(terms(blank)).toEqual({});
    expect(terms({ flatRate: '  ', holdDays: '' })).toEqual({});
    expect(agreementTermsSchema.parse(terms(blank))).toEqual(agreementTermsSchema.parse({}));
  });

  it('80, 80% and 0.80 all mean 0.80 — in every rate field', () => {
    for (const typed of ['80', '80%', '0.80', '0.8', ' 80 % '.trim(), '80 %']) {
      expect(terms({ advanceRate: typed, reserveRate: '20%' }).advanceRate).toBe('0.80');
    }
    expect(terms({ advanceRate: '90', reserveRate: '0.10' })).toEqual({ advanceRate: '0.90', reserveRate: '0.10' });
    expect(terms({ concentrationLimit: '25%' }).concentrationLimit).toBe('0.25');
    expect(terms({ concentrationLimit: '25' }).concentrationLimit).toBe('0.25');
    expect(terms({ concentrationLimit: '0.25' }).concentrationLimit).toBe('0.25');
    expect(terms({ feeKind: 'daily_rate', annualRate: '12%' }).fees).toEqual({ kind: 'daily_rate', rate: '0.12' });
    expect(terms({ policyKind: 'percent_of_open', policyRate: '12.5%' }).reservePolicy).toEqual({ kind: 'percent_of_open', rate: '0.125' });
  });

  it('refuses 0.8x, 25x, 1e5 and -5 with a message naming the field, never a crash', () => {
    for (const typed of ['0.8x', '25x', '1e5', '-5', 'abc', '80%%', '1,5']) {
      const e = errors({ advanceRate: typed, reserveRate: '20%' });
      expect(Object.keys(e)).toEqual(['advanceRate']);
      expect(e.advanceRate).toMatch(/^Advance rate /);
    }
    expect(errors({ concentrationLimit: '25x' })).toEqual({ concentrationLimit: 'Concentration limit must be a percentage such as 80% (or 0.80)' });
    expect(errors({ concentrationLimit: '0.8x', advanceRate: '1e5' })).toEqual({
      concentrationLimit: 'Concentration limit must be a percentage such as 80% (or 0.80)',
      advanceRate: 'Advance rate must be a percentage such as 80% (or 0.80)',
    });
    expect(errors({ advanceRate: '150%' })).toEqual({ advanceRate: 'Advance rate must be between 1% and 100%' });
    expect(errors({ advanceRate: '0' })).toEqual({ advanceRate: 'Advance rate must be between 1% and 100%' });
    expect(errors({ feeKind: 'flat', flatRate: '-5' }).flatRate).toMatch(/^Flat fee rate /);
    expect(errors({ riskScore: '101' })).toEqual({ riskScore: 'Risk score must be between 0 and 100' });
    expect(errors({ riskScore: '4.5' }).riskScore).toMatch(/^Risk score must be a whole number/);
    expect(errors({ recourseDays: 'ninety' }).recourseDays).toMatch(/^Recourse days must be a whole number of days/);
    expect(errors({ creditLimit: '1e5' }).creditLimit).toBe('Credit limit must be written out in digits (no exponent such as 1e5)');
    expect(errors({ creditLimit: '-5' }).creditLimit).toMatch(/^Credit limit /);
    expect(errors({ model: 'bogus' }).model).toMatch(/^Model must be one of: Recourse, Non-recourse/);
  });

  it('advance and reserve add up to 100% (or 100% less a flat fee), said under Reserve rate in percent', () => {
    expect(errors({ advanceRate: '85', reserveRate: '25' })).toEqual({ reserveRate: 'Advance rate and reserve rate must add up to 100%; they make 110%' });
    expect(errors({ advanceRate: '90%', reserveRate: '20%', feeKind: 'flat', flatRate: '3%' })).toEqual({
      reserveRate: 'Advance rate and reserve rate must add up to 100%, or to 100% less the flat fee rate (3%); they make 110%',
    });
    // InstaPay (worked example 2): 90% advance, 7% reserve, flat 3% from the reserve
    expect(terms({ advanceRate: '90', reserveRate: '7', feeKind: 'flat', flatRate: '3', deductFrom: 'reserve', initialDays: '30' })).toEqual({
      advanceRate: '0.90',
      reserveRate: '0.07',
      fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' },
    });
  });

  it('amounts take thousands separators; decimals beyond the currency are refused where it is known', () => {
    expect(terms({ creditLimit: '1,000,000.00' }).creditLimit).toBe('1000000.00');
    expect(terms({ creditLimit: '1000000' }).creditLimit).toBe('1000000.00');
    expect(terms({ creditLimit: '12,500.5', currency: 'USD' }).creditLimit).toBe('12500.50');
    expect(terms({ creditLimit: '1,000,000', currency: 'JPY' }).creditLimit).toBe('1000000');
    expect(errors({ creditLimit: '1,000,000.50', currency: 'JPY' })).toEqual({ creditLimit: 'Credit limit must be a whole amount (JPY has no cents)' });
    expect(errors({ serviceFee: '1.005', currency: 'usd' })).toEqual({ serviceFee: 'Service fee per invoice may have at most 2 decimal places in USD' });
    expect(errors({ creditLimit: '1,00,000' }).creditLimit).toMatch(/^Credit limit must be an amount written as digits/);
  });

  it('each fee kind and reserve policy takes only its own parameters, and needs them', () => {
    expect(terms({ feeKind: 'tiered', initialRate: '3%', initialDays: '30', stepRate: '1%', stepDays: '15', annualRate: '12%' }).fees).toEqual({
      kind: 'tiered',
      initialRate: '0.03',
      initialDays: 30,
      stepRate: '0.01',
      stepDays: 15,
    });
    expect(errors({ feeKind: 'tiered', initialRate: '3%' })).toEqual({
      initialDays: 'Initial period is required for this fee kind',
      stepRate: 'Step fee rate is required for this fee kind',
      stepDays: 'Step period is required for this fee kind',
    });
    expect(errors({ feeKind: 'tiered', initialRate: '3%', initialDays: '0', stepRate: '1%', stepDays: '15' })).toEqual({
      initialDays: 'Initial period must be between 1 and 3650 days',
    });
    expect(terms({ policyKind: 'per_invoice', holdDays: '180' }).reservePolicy).toEqual({ kind: 'per_invoice' });
    expect(terms({ policyKind: 'rolling', holdDays: '180', cap: '5' }).reservePolicy).toEqual({ kind: 'rolling', holdDays: 180 });
    expect(terms({ policyKind: 'capped', holdDays: '90', cap: '50,000.00' }).reservePolicy).toEqual({ kind: 'capped', holdDays: 90, cap: '50000.00' });
    expect(terms({ policyKind: 'fixed', target: '50000', buildRate: '5%' }).reservePolicy).toEqual({ kind: 'fixed', target: '50000.00', buildRate: '0.05' });
    expect(errors({ policyKind: 'fixed', target: '50000' })).toEqual({ buildRate: 'Build rate is required for this reserve policy' });
  });

  it('funding currencies, schedule, tolerance and risk score', () => {
    expect(terms({ currencies: 'usd, EUR  gbp', cadence: 'monthly', toleranceAmount: '100.00', tolerancePercent: '0.5%', riskScore: '42' })).toEqual({
      currencies: ['USD', 'EUR', 'GBP'],
      releaseSchedule: { cadence: 'monthly' },
      shortPayTolerance: { amount: '100.00', percent: '0.5' },
      riskScore: 42,
    });
    expect(errors({ currencies: 'USD, QQQ' })).toEqual({ currencies: 'Funding currencies: QQQ is not an ISO 4217 currency code (such as USD, EUR or JPY)' });
    expect(errors({ anchorDate: '2026-02-30' }).anchorDate).toMatch(/^Release anchor date must be a real date/);
  });

  it('round trip: every kind of fee and policy survives terms → form → terms', () => {
    const cases: AgreementTermsInput[] = [
      { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } },
      {
        model: 'export',
        currencies: ['USD', 'EUR'],
        fees: { kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 15 },
        reservePolicy: { kind: 'rolling', holdDays: 180 },
      },
      {
        model: 'non_recourse',
        fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/365', base: 'outstanding' },
        reservePolicy: { kind: 'capped', holdDays: 90, cap: '50000.00' },
        riskScore: 0,
      },
      {
        model: 'reverse',
        reservePolicy: { kind: 'fixed', target: '25000.00', buildRate: '0.05' },
        releaseSchedule: { cadence: 'on_collection', anchorDate: '2026-03-01' },
        recourseDays: 60,
        shortPayTolerance: { amount: '100.00', percent: '0.5' },
        creditLimit: '750000.00',
        concentrationLimit: '0.25',
        minimumReserveBalance: '1000.00',
        releaseAutoApproveUpTo: '5000.00',
        serviceFee: '50.00',
        minimumFee: '25.00',
        riskScore: 73,
      },
      { model: 'invoice_discounting', reservePolicy: { kind: 'percent_of_open', rate: '0.10' } },
    ];
    for (const input of cases) {
      const parsed = agreementTermsSchema.parse(input);
      const form = agreementToForm(parsed);
      expect(Object.keys(form).sort()).toEqual([...AGREEMENT_FORM_FIELDS].sort());
      expect(agreementTermsSchema.parse(terms(form))).toEqual(parsed);
    }
  });

  it('the default terms fill the form, and the form gives them back', () => {
    const defaults = agreementTermsSchema.parse({});
    const form = agreementToForm(defaults);
    expect(form).toMatchObject({
      model: 'recourse',
      advanceRate: '80%',
      reserveRate: '20%',
      concentrationLimit: '100%',
      feeKind: 'daily_rate',
      annualRate: '12%',
      dayCount: 'actual/360',
      base: 'face',
      policyKind: 'per_invoice',
      cadence: 'biweekly',
      anchorDate: '2026-01-02',
      recourseDays: '90',
      riskScore: '',
      currencies: '',
      tolerancePercent: '0%',
    });
    expect(agreementTermsSchema.parse(terms(form))).toEqual(defaults);
  });

  it('the terms (API JSON) name the field in words too', () => {
    const r = agreementTermsSchema.safeParse({ advanceRate: '1.5', fees: { kind: 'flat', rate: '3%' }, riskScore: 101 });
    expect(fieldErrors(r.error!)).toEqual({
      advanceRate: 'Advance rate must be between 0 and 1 (a fraction such as 0.80)',
      'fees.rate': 'Flat fee rate must be a plain decimal number such as "0.03" (digits and one point; no %, commas, exponent or letters)',
      riskScore: 'Risk score must be a whole number between 0 and 100',
    });
    expect(fieldErrors(agreementTermsSchema.safeParse({ advanceRate: '0.85', reserveRate: '0.25' }).error!)).toEqual({
      reserveRate: 'Advance rate + reserve rate must be 1; they make 1.1',
    });
  });

  it('no text typed into any field of either schema throws (once "0.8x" and "25%" crashed a page in big.js)', () => {
    const hostile = ['0.8x', '25%', '25x', '1e5', '-5', 'NaN', 'Infinity', '0x10', '١٢', ' ', '', '.5', '5.', '1,0', '9'.repeat(400), '0.8\u0000'];
    const fields = {
      advanceRate: 'x',
      reserveRate: 'x',
      creditLimit: 'x',
      concentrationLimit: 'x',
      serviceFee: 'x',
      minimumFee: 'x',
      minimumReserveBalance: 'x',
      releaseAutoApproveUpTo: 'x',
    };
    for (const text of hostile) {
      for (const key of Object.keys(fields)) {
        expect(() => agreementTermsSchema.safeParse({ [key]: text })).not.toThrow();
        expect(() => agreementTermsSchema.safeParse({ [key]: text, fees: { kind: 'flat', rate: text } })).not.toThrow();
        expect(() => schema.safeParse({ [key]: text, feeKind: 'flat', flatRate: text, currency: 'JPY' })).not.toThrow();
      }
      for (const kind of ['tiered', 'daily_rate', 'capped', 'fixed', 'percent_of_open']) {
        expect(() =>
          schema.safeParse({
            feeKind: kind,
            policyKind: kind,
            initialRate: text,
            initialDays: text,
            stepRate: text,
            stepDays: text,
            annualRate: text,
            cap: text,
            target: text,
            buildRate: text,
            policyRate: text,
            holdDays: text,
          }),
        ).not.toThrow();
      }
    }
    expect(fieldErrors(agreementTermsSchema.safeParse({ concentrationLimit: '25%' }).error!)).toEqual({
      concentrationLimit: 'Concentration limit must be a plain decimal number such as "0.25" (digits and one point; no %, commas, exponent or letters)',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { AGREEMENT_FORM_FIELDS, agreementErrorsByField, agreementFromForm, agreementToForm } from '../../lib/agreements/form';
import { agreementTermsSchema, type AgreementTermsInput } from '../../lib/agreements/terms';

const parse = (fields: Record<string, string>) => agreementTermsSchema.parse(agreementFromForm(fields));

describe('the agreement form (SPEC 2)', () => {
  it('an empty form gives the schema defaults', () => {
    const blank = Object.fromEntries(AGREEMENT_FORM_FIELDS.map((k) => [k, '']));
    expect(agreementFromForm(blank)).toEqual({});
    expect(agreementFromForm({ feeRate: '  ', holdDays: '' })).toEqual({});
    expect(parse(blank)).toEqual(agreementTermsSchema.parse({}));
  });

  it('the defaults fill every field, and the form gives them back', () => {
    const defaults = agreementTermsSchema.parse({});
    const form = agreementToForm(defaults);
    expect(Object.keys(form).sort()).toEqual([...AGREEMENT_FORM_FIELDS].sort());
    expect(form).toMatchObject({ model: 'recourse', advanceRate: '0.80', reserveRate: '0.20', feeKind: 'daily_rate', feeRate: '0.12', dayCount: 'actual/360', base: 'face', policyKind: 'per_invoice', cadence: 'biweekly', anchorDate: '2026-01-02', recourseDays: '90', riskScore: '', currencies: '' });
    expect(parse(form)).toEqual(defaults);
  });

  it('InstaPay: 90% advance, 10% reserve, flat 3% taken from the reserve (worked example 2)', () => {
    const input = agreementFromForm({ advanceRate: '0.90', reserveRate: '0.10', feeKind: 'flat', feeRate: '0.03', deductFrom: 'reserve', initialDays: '30', dayCount: 'actual/365' });
    // parameters of the other fee kinds are left out
    expect(input).toEqual({ advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } });
    expect(agreementTermsSchema.parse(input).fees).toEqual({ kind: 'flat', rate: '0.03', deductFrom: 'reserve' });
  });

  it('tiered: the days are whole numbers', () => {
    const input = agreementFromForm({ feeKind: 'tiered', initialRate: '0.03', initialDays: '30', stepRate: '0.01', stepDays: '15', feeRate: '0.12' });
    expect(input.fees).toEqual({ kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 15 });
    expect(parse({ feeKind: 'tiered', initialRate: '0.03', initialDays: '30', stepRate: '0.01', stepDays: '15' }).fees).toEqual({ kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 15 });
  });

  it('a number of days that is not whole is passed on for the schema to refuse by name', () => {
    const input = agreementFromForm({ feeKind: 'tiered', initialRate: '0.03', initialDays: '1.5', stepRate: '0.01', stepDays: '15', recourseDays: 'ninety' });
    const result = agreementTermsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['fees.initialDays', 'recourseDays']);
  });

  it('each reserve policy takes only its own parameters', () => {
    expect(agreementFromForm({ policyKind: 'per_invoice', holdDays: '180' }).reservePolicy).toEqual({ kind: 'per_invoice' });
    expect(agreementFromForm({ policyKind: 'rolling', holdDays: '180', cap: '5' }).reservePolicy).toEqual({ kind: 'rolling', holdDays: 180 });
    expect(agreementFromForm({ policyKind: 'capped', holdDays: '90', cap: '50000.00' }).reservePolicy).toEqual({ kind: 'capped', holdDays: 90, cap: '50000.00' });
    expect(agreementFromForm({ policyKind: 'fixed', target: '50000.00', buildRate: '0.05' }).reservePolicy).toEqual({ kind: 'fixed', target: '50000.00', buildRate: '0.05' });
    expect(agreementFromForm({ policyKind: 'percent_of_open', policyRate: '0.10', feeRate: '0.2' }).reservePolicy).toEqual({ kind: 'percent_of_open', rate: '0.10' });
  });

  it('currencies, schedule, tolerance and risk score', () => {
    expect(agreementFromForm({ currencies: 'usd, EUR  gbp', cadence: 'monthly', toleranceAmount: '100.00', riskScore: '42' })).toEqual({
      currencies: ['USD', 'EUR', 'GBP'],
      releaseSchedule: { cadence: 'monthly' },
      shortPayTolerance: { amount: '100.00' },
      riskScore: 42,
    });
  });

  it('round trip: every kind of fee and policy survives form → terms → form', () => {
    const cases: AgreementTermsInput[] = [
      { advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } },
      { model: 'export', currencies: ['USD', 'EUR'], fees: { kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 15 }, reservePolicy: { kind: 'rolling', holdDays: 180 } },
      { model: 'non_recourse', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/365', base: 'outstanding' }, reservePolicy: { kind: 'capped', holdDays: 90, cap: '50000.00' }, riskScore: 0 },
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
      const terms = agreementTermsSchema.parse(input);
      expect(parse(agreementToForm(terms))).toEqual(terms);
      expect(agreementToForm(parse(agreementToForm(terms)))).toEqual(agreementToForm(terms));
    }
  });

  it('names the form field of each validation error, with or without the agreement prefix', () => {
    expect(
      agreementErrorsByField({
        'agreement.fees.rate': 'must be a decimal string',
        reserveRate: 'advanceRate + reserveRate must be 1',
        'reservePolicy.rate': 'must be between 0 and 1',
        'currencies.1': 'currency codes are three capital letters',
        'agreement.releaseSchedule.anchorDate': 'must be a date',
        'fees.kind': 'kind must be flat, tiered or daily_rate',
        name: 'is required',
        effectiveFrom: 'after 2026-02-10',
      }),
    ).toEqual({
      feeRate: 'must be a decimal string',
      reserveRate: 'advanceRate + reserveRate must be 1',
      policyRate: 'must be between 0 and 1',
      currencies: 'currency codes are three capital letters',
      anchorDate: 'must be a date',
      feeKind: 'kind must be flat, tiered or daily_rate',
      name: 'is required',
      effectiveFrom: 'after 2026-02-10',
    });
    expect(agreementErrorsByField(undefined)).toEqual({});
  });
});

import { z } from 'zod';
import { isBusinessDate } from '../dates';
import { Big, MAX_MONEY_INTEGER_DIGITS, MAX_RATE_INTEGER_DIGITS, isIsoCurrency } from '../money';

/**
 * The agreement's terms (SPEC 2, API.md "Clients and debtors"), validated with their defaults.
 * Money and rates stay decimal strings here; calculators turn them into Big.
 */

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;

/** Digits before the point, so nothing reaches a numeric(20,4) or numeric(12,10) column as an overflow. */
const decimal = (what: string, maxDecimals: number, maxIntegerDigits: number) =>
  z
    .string({ error: `must be a decimal string such as "${what}"` })
    .trim()
    .refine((v) => DECIMAL.test(v), { error: `must be a plain decimal number such as "${what}"` })
    .refine((v) => !DECIMAL.test(v) || v.split('.')[0]!.length <= maxIntegerDigits, { error: `is too large: at most ${maxIntegerDigits} digits before the decimal point` })
    .refine((v) => !v.includes('.') || v.split('.')[1]!.length <= maxDecimals, { error: `at most ${maxDecimals} decimal places` });

/** A rate 0…1 ("0.80"). */
export const rateString = (example = '0.80') =>
  decimal(example, 10, MAX_RATE_INTEGER_DIGITS).refine((v) => !DECIMAL.test(v) || new Big(v).lte(1), { error: 'must be between 0 and 1' });
/** An annual rate, may exceed 1 for very short-term pricing. */
const annualRate = decimal('0.12', 10, MAX_RATE_INTEGER_DIGITS);
export const moneyString = (example = '0.00') => decimal(example, 4, MAX_MONEY_INTEGER_DIGITS);
const businessDate = z.string().refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' });
const days = (max = 3650) => z.number({ error: 'must be a whole number of days' }).int().min(0).max(max);

export const feeScheduleSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('flat'), rate: rateString('0.03'), deductFrom: z.enum(['advance', 'reserve']).default('reserve') }),
    z.object({
      kind: z.literal('tiered'),
      initialRate: rateString('0.03'),
      initialDays: days().refine((v) => v > 0, { error: 'must be at least 1 day' }),
      stepRate: rateString('0.01'),
      stepDays: days().refine((v) => v > 0, { error: 'must be at least 1 day' }),
    }),
    z.object({
      kind: z.literal('daily_rate'),
      rate: annualRate,
      dayCount: z.enum(['actual/360', 'actual/365']).default('actual/360'),
      base: z.enum(['face', 'advance', 'outstanding']).default('face'),
    }),
  ],
  { error: 'kind must be flat, tiered or daily_rate' },
);
export type FeeSchedule = z.output<typeof feeScheduleSchema>;

export const reservePolicySchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('per_invoice') }),
    z.object({ kind: z.literal('rolling'), holdDays: days().default(180) }),
    z.object({ kind: z.literal('capped'), holdDays: days().default(180), cap: moneyString('50000.00') }),
    z.object({ kind: z.literal('fixed'), target: moneyString('50000.00'), buildRate: rateString('0.05') }),
    z.object({ kind: z.literal('percent_of_open'), rate: rateString('0.10') }),
  ],
  { error: 'kind must be per_invoice, rolling, capped, fixed or percent_of_open' },
);
export type ReservePolicy = z.output<typeof reservePolicySchema>;

export const agreementTermsSchema = z
  .object({
    model: z.enum(['recourse', 'non_recourse', 'invoice_discounting', 'reverse', 'export']).default('recourse'),
    currencies: z
      .array(z.string({ error: 'must be a currency code such as USD' }).refine(isIsoCurrency, { error: 'must be an ISO 4217 currency code such as USD' }), {
        error: 'must be a list of ISO 4217 currency codes such as ["USD", "EUR"]',
      })
      .max(50, { error: 'at most 50 currencies' })
      .optional(),
    advanceRate: rateString('0.80').default('0.80'),
    reserveRate: rateString('0.20').default('0.20'),
    fees: feeScheduleSchema.default({ kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' }),
    serviceFee: moneyString().default('0.00'),
    minimumFee: moneyString().default('0.00'),
    reservePolicy: reservePolicySchema.default({ kind: 'per_invoice' }),
    releaseSchedule: z
      .object({ cadence: z.enum(['weekly', 'biweekly', 'monthly', 'on_collection']).default('biweekly'), anchorDate: businessDate.default('2026-01-02') })
      .default({ cadence: 'biweekly', anchorDate: '2026-01-02' }),
    recourseDays: days().default(90),
    shortPayTolerance: z.object({ amount: moneyString().default('0.00'), percent: decimal('0.5', 6, 3).refine((v) => !DECIMAL.test(v) || new Big(v).lte(100), { error: 'must be at most 100' }).default('0') }).default({ amount: '0.00', percent: '0' }),
    creditLimit: moneyString('1000000.00').default('1000000.00'),
    concentrationLimit: rateString('0.25').default('1.00'),
    minimumReserveBalance: moneyString().default('0.00'),
    releaseAutoApproveUpTo: moneyString().default('0.00'),
    riskScore: z.number().int().min(0).max(100).optional(),
  })
  .superRefine((t, ctx) => {
    // SPEC 2: advance + reserve = 1 unless an upfront fee is taken from one of them. (A rate that
    // is no number is reported on its own field already; it must not crash this check.)
    if (![t.advanceRate, t.reserveRate, t.fees.kind === 'flat' ? t.fees.rate : '0'].every((v) => typeof v === 'string' && DECIMAL.test(v))) return;
    const total = new Big(t.advanceRate).plus(t.reserveRate);
    const flatFee = t.fees.kind === 'flat' ? new Big(t.fees.rate) : new Big(0);
    if (!total.eq(1) && !total.plus(flatFee).eq(1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['reserveRate'],
        message: `advanceRate + reserveRate must be 1${t.fees.kind === 'flat' ? ' (or 1 less the flat fee)' : ''}; they make ${total.toString()}`,
      });
    }
  });
export type AgreementTerms = z.output<typeof agreementTermsSchema>;
export type AgreementTermsInput = z.input<typeof agreementTermsSchema>;

import { z } from 'zod';
import { isBusinessDate } from '../dates';
import { Big, MAX_MONEY_INTEGER_DIGITS, MAX_RATE_INTEGER_DIGITS, isIsoCurrency } from '../money';

/**
 * The agreement's terms (SPEC 2, API.md "Clients and debtors"), validated with their defaults.
 * Money and rates stay decimal strings here; calculators turn them into Big.
 */

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;

/**
 * API.md's decimal-string contract: a plain decimal ("0.80", "1000000.00"), kept as sent. Every
 * message names the field's label in words (issue 12), e.g. "Advance rate must be between 0 and 1
 * (a fraction such as 0.80)"; the `details` key stays the field's path (`agreement.fees.rate`).
 * Digits before the point are bounded so nothing reaches a numeric(20,4) or numeric(12,10)
 * column as an overflow.
 */
const decimal = (label: string, what: string, maxDecimals: number, maxIntegerDigits: number, kind: 'amount' | 'number' = 'number') =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be a decimal string such as "${what}"`) })
    .trim()
    // abort: no later check (and no `new Big`) ever sees text that is not a plain decimal — zod 4
    // runs refinements on after a failed one, which is how "0.8x" once crashed a page (issue 12)
    .refine((v) => DECIMAL.test(v), {
      error: `${label} must be a plain decimal ${kind} such as "${what}" (digits and one point; no %, commas, exponent or letters)`,
      abort: true,
    })
    .refine((v) => !DECIMAL.test(v) || v.split('.')[0]!.length <= maxIntegerDigits, {
      error: `${label} is too large: at most ${maxIntegerDigits} digits before the decimal point`,
    })
    .refine((v) => !v.includes('.') || v.split('.')[1]!.length <= maxDecimals, { error: `${label} may have at most ${maxDecimals} decimal places` });

/** A rate 0…1 written as a fraction ("0.80"). */
export const rateString = (label: string, example = '0.80') =>
  decimal(label, example, 10, MAX_RATE_INTEGER_DIGITS).refine((v) => !DECIMAL.test(v) || new Big(v).lte(1), {
    error: `${label} must be between 0 and 1 (a fraction such as ${example})`,
  });
/** An annual rate, may exceed 1 for very short-term pricing. */
const annualRate = (label: string) => decimal(label, '0.12', 10, MAX_RATE_INTEGER_DIGITS);
export const moneyString = (label: string, example = '0.00') => decimal(label, example, 4, MAX_MONEY_INTEGER_DIGITS, 'amount');
const businessDate = (label: string) =>
  z
    .string({ error: `${label} must be a date written YYYY-MM-DD` })
    .refine(isBusinessDate, { error: `${label} must be a real date written YYYY-MM-DD, such as 2026-01-02` });
const days = (label: string, options: { min?: number; max?: number } = {}) => {
  const min = options.min ?? 0;
  const max = options.max ?? 3650;
  const message = `${label} must be a whole number of days between ${min} and ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};
const oneOf = <const T extends readonly [string, ...string[]]>(label: string, values: T) =>
  z.enum(values, { error: `${label} must be one of ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` });

export const FEE_KINDS = ['flat', 'tiered', 'daily_rate'] as const;
export const RESERVE_POLICY_KINDS = ['per_invoice', 'rolling', 'capped', 'fixed', 'percent_of_open', 'escrow'] as const;
export const AGREEMENT_MODELS = ['recourse', 'non_recourse', 'invoice_discounting', 'reverse', 'export'] as const;
export const RELEASE_CADENCES = ['weekly', 'biweekly', 'monthly', 'on_collection'] as const;
export const DAY_COUNTS = ['actual/360', 'actual/365'] as const;
export const FEE_BASES = ['face', 'advance', 'outstanding'] as const;
export const FLAT_FEE_FROM = ['advance', 'reserve'] as const;

export const feeScheduleSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('flat'),
      rate: rateString('Flat fee rate', '0.03'),
      deductFrom: oneOf('Flat fee taken from', FLAT_FEE_FROM).default('reserve'),
    }),
    z.object({
      kind: z.literal('tiered'),
      initialRate: rateString('Initial fee rate', '0.03'),
      initialDays: days('Initial period', { min: 1 }),
      stepRate: rateString('Step fee rate', '0.01'),
      stepDays: days('Step period', { min: 1 }),
    }),
    z.object({
      kind: z.literal('daily_rate'),
      rate: annualRate('Annual fee rate'),
      dayCount: oneOf('Day count', DAY_COUNTS).default('actual/360'),
      base: oneOf('Fee base', FEE_BASES).default('face'),
    }),
  ],
  { error: 'Fee kind must be flat, tiered or daily_rate' },
);
export type FeeSchedule = z.output<typeof feeScheduleSchema>;

export const reservePolicySchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('per_invoice') }),
    z.object({ kind: z.literal('rolling'), holdDays: days('Holding period').default(180) }),
    z.object({ kind: z.literal('capped'), holdDays: days('Holding period').default(180), cap: moneyString('Reserve cap', '50000.00') }),
    z.object({ kind: z.literal('fixed'), target: moneyString('Reserve target', '50000.00'), buildRate: rateString('Build rate', '0.05') }),
    z.object({ kind: z.literal('percent_of_open'), rate: rateString('Share of open receivables', '0.10') }),
    // Issue 16 item 3 (lib/releases/escrow.ts): per_invoice, and each rebate's `share` goes to the
    // client's escrow account until it holds `cap` (in each currency, the same figure), released
    // at the end of the relationship or by approval.
    z.object({
      kind: z.literal('escrow'),
      share: rateString('Escrow share of each rebate', '0.10'),
      cap: moneyString('Escrow cap', '25000.00'),
    }),
  ],
  { error: 'Reserve policy must be per_invoice, rolling, capped, fixed, percent_of_open or escrow' },
);
export type ReservePolicy = z.output<typeof reservePolicySchema>;

export const agreementTermsSchema = z
  .object(
    {
      model: oneOf('Model', AGREEMENT_MODELS).default('recourse'),
      currencies: z
        .array(
          z
            .string({ error: 'Funding currencies must be currency codes such as USD' })
            .refine(isIsoCurrency, { error: 'Funding currencies must be ISO 4217 currency codes such as USD' }),
          {
            error: 'Funding currencies must be a list of ISO 4217 currency codes such as ["USD", "EUR"]',
          },
        )
        .max(50, { error: 'Funding currencies: at most 50' })
        .optional(),
      advanceRate: rateString('Advance rate', '0.80').default('0.80'),
      reserveRate: rateString('Reserve rate', '0.20').default('0.20'),
      fees: feeScheduleSchema.default({ kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' }),
      serviceFee: moneyString('Service fee per invoice').default('0.00'),
      minimumFee: moneyString('Minimum fee per invoice').default('0.00'),
      reservePolicy: reservePolicySchema.default({ kind: 'per_invoice' }),
      releaseSchedule: z
        .object(
          { cadence: oneOf('Release cadence', RELEASE_CADENCES).default('biweekly'), anchorDate: businessDate('Release anchor date').default('2026-01-02') },
          { error: 'Release schedule must be an object such as {"cadence": "biweekly"}' },
        )
        .default({ cadence: 'biweekly', anchorDate: '2026-01-02' }),
      recourseDays: days('Recourse days').default(90),
      shortPayTolerance: z
        .object(
          {
            amount: moneyString('Short-pay tolerance amount').default('0.00'),
            percent: decimal('Short-pay tolerance percent', '0.5', 6, 3)
              .refine((v) => !DECIMAL.test(v) || new Big(v).lte(100), { error: 'Short-pay tolerance percent must be at most 100' })
              .default('0'),
          },
          { error: 'Short-pay tolerance must be an object such as {"amount": "100.00", "percent": "0.5"}' },
        )
        .default({ amount: '0.00', percent: '0' }),
      creditLimit: moneyString('Credit limit', '1000000.00').default('1000000.00'),
      concentrationLimit: rateString('Concentration limit', '0.25').default('1.00'),
      minimumReserveBalance: moneyString('Minimum reserve balance').default('0.00'),
      releaseAutoApproveUpTo: moneyString('Auto-approve releases up to').default('0.00'),
      // Issue 15: invoices above this face value (home currency) are funded only with a positive
      // verification recorded (lib/verifications/rule.ts); absent: no threshold, nothing asked.
      verificationThreshold: moneyString('Verification threshold', '10000.00').optional(),
      riskScore: z
        .number({ error: 'Risk score must be a whole number between 0 and 100' })
        .int({ error: 'Risk score must be a whole number between 0 and 100' })
        .min(0, { error: 'Risk score must be a whole number between 0 and 100' })
        .max(100, { error: 'Risk score must be a whole number between 0 and 100' })
        .optional(),
    },
    { error: 'The agreement must be an object of terms such as {"advanceRate": "0.80"}' },
  )
  .superRefine((t, ctx) => {
    // SPEC 2: advance + reserve = 1 unless an upfront fee is taken from one of them. (A rate that
    // is no number is reported on its own field already; it must not crash this check.)
    const flat = t.fees?.kind === 'flat' ? t.fees.rate : '0';
    if (![t.advanceRate, t.reserveRate, flat].every((v) => typeof v === 'string' && DECIMAL.test(v))) return;
    const total = new Big(t.advanceRate).plus(t.reserveRate);
    const flatFee = new Big(flat);
    if (!total.eq(1) && !total.plus(flatFee).eq(1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['reserveRate'],
        message: `Advance rate + reserve rate must be 1${t.fees.kind === 'flat' ? ' (or 1 less the flat fee)' : ''}; they make ${total.toString()}`,
      });
    }
  });
export type AgreementTerms = z.output<typeof agreementTermsSchema>;
export type AgreementTermsInput = z.input<typeof agreementTermsSchema>;

import { z } from 'zod';
import { Big, fixed, formatRate, isIsoCurrency, minorUnits } from '../money';
import { businessDate, checkMinorUnits, choice, days, formMoney, formRate, optional, text, wholeNumber } from '../validation/fields';
import {
  AGREEMENT_MODELS,
  DAY_COUNTS,
  FEE_BASES,
  FEE_KINDS,
  FLAT_FEE_FROM,
  RELEASE_CADENCES,
  RESERVE_POLICY_KINDS,
  agreementTermsSchema,
  type AgreementTerms,
  type AgreementTermsInput,
} from './terms';

/**
 * The agreement (SPEC 2) as the flat fields of a console form (the New client form and the
 * propose-agreement form), parsed with the shared field schemas (lib/validation/fields.ts) into
 * the same `AgreementTermsInput` the API's JSON gives `agreementTermsSchema` — one command
 * serves both. A form takes what people type: rates as 80, 80% or 0.80 (RATE_HINT), amounts
 * with thousands separators ("1,000,000.00"). Every error is keyed by the form's input name and
 * names the field's label ("Advance rate must be between 1% and 100%"), so it lands under its
 * field. Nothing here calls `new Big` on text that has not passed its field schema.
 *
 * Pure (no server imports): the client form reads the labels and choices from here.
 */

type Option = readonly [value: string, label: string];

/** Each field's label, as the form shows it (messages drop a trailing "(days)" or "(0–100)"). */
export const AGREEMENT_FIELD_LABELS = {
  model: 'Model',
  currencies: 'Funding currencies',
  advanceRate: 'Advance rate',
  reserveRate: 'Reserve rate',
  feeKind: 'Fee kind',
  flatRate: 'Flat fee rate',
  deductFrom: 'Flat fee taken from',
  initialRate: 'Initial fee rate',
  initialDays: 'Initial period (days)',
  stepRate: 'Step fee rate',
  stepDays: 'Step period (days)',
  annualRate: 'Annual fee rate',
  dayCount: 'Day count',
  base: 'Fee base',
  serviceFee: 'Service fee per invoice',
  minimumFee: 'Minimum fee per invoice',
  policyKind: 'Reserve policy',
  holdDays: 'Holding period (days)',
  cap: 'Reserve cap',
  target: 'Reserve target',
  buildRate: 'Build rate',
  policyRate: 'Share of open receivables',
  // issue 16 item 3: the escrow policy (lib/releases/escrow.ts)
  escrowShare: 'Escrow share of each rebate',
  escrowCap: 'Escrow cap',
  cadence: 'Release cadence',
  anchorDate: 'Release anchor date',
  recourseDays: 'Recourse days',
  toleranceAmount: 'Short-pay tolerance amount',
  tolerancePercent: 'Short-pay tolerance percent',
  creditLimit: 'Credit limit',
  concentrationLimit: 'Concentration limit',
  minimumReserveBalance: 'Minimum reserve balance',
  releaseAutoApproveUpTo: 'Auto-approve releases up to',
  verificationThreshold: 'Verify invoices above',
  riskScore: 'Risk score (0–100)',
} as const;

export type AgreementFormField = keyof typeof AGREEMENT_FIELD_LABELS;
export const AGREEMENT_FORM_FIELDS = Object.keys(AGREEMENT_FIELD_LABELS) as AgreementFormField[];
/** The form's text for each field, as typed or prefilled. */
export type AgreementForm = Record<AgreementFormField, string>;

/** The label as a message says it: "Initial period (days)" → "Initial period". */
const said = (field: AgreementFormField) => AGREEMENT_FIELD_LABELS[field].replace(/\s*\(.*\)$/, '');

/** The choices of the select fields, value and label. */
export const AGREEMENT_OPTIONS = {
  model: [
    ['recourse', 'Recourse'],
    ['non_recourse', 'Non-recourse'],
    ['invoice_discounting', 'Invoice discounting (confidential)'],
    ['reverse', 'Reverse (buyer-approved payables)'],
    ['export', 'Export (cross-border)'],
  ],
  feeKind: [
    ['flat', 'Flat, taken at funding'],
    ['tiered', 'Tiered by days outstanding'],
    ['daily_rate', 'Daily rate (annual rate per day)'],
  ],
  deductFrom: [
    ['reserve', 'The reserve'],
    ['advance', 'The advance'],
  ],
  dayCount: [
    ['actual/360', 'actual/360'],
    ['actual/365', 'actual/365'],
  ],
  base: [
    ['face', 'Face value'],
    ['advance', 'Advance'],
    ['outstanding', 'Outstanding (lowered by partial payments)'],
  ],
  policyKind: [
    ['per_invoice', 'Per invoice'],
    ['rolling', 'Rolling'],
    ['capped', 'Capped rolling'],
    ['fixed', 'Fixed target'],
    ['percent_of_open', 'Percent of open receivables'],
    ['escrow', 'Per invoice, with an escrow cap'],
  ],
  cadence: [
    ['weekly', 'Weekly'],
    ['biweekly', 'Every two weeks'],
    ['monthly', 'Monthly'],
    ['on_collection', 'On collection'],
  ],
} as const satisfies Record<string, readonly Option[]>;

type OptionField = keyof typeof AGREEMENT_OPTIONS;
const names = <F extends OptionField>(field: F) => Object.fromEntries(AGREEMENT_OPTIONS[field]) as Record<(typeof AGREEMENT_OPTIONS)[F][number][0], string>;
const select = <const T extends readonly [string, ...string[]], F extends OptionField>(field: F, values: T) =>
  optional(choice(said(field), values, names(field) as Partial<Record<T[number], string>>));

/** "usd, EUR gbp" → ["USD", "EUR", "GBP"], each an ISO 4217 code; one error under the field. */
function currencyList(label: string) {
  return text(label, { max: 400 }).transform((value, ctx) => {
    const codes = [
      ...new Set(
        value
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map((c) => c.toUpperCase()),
      ),
    ];
    const bad = codes.filter((c) => !isIsoCurrency(c));
    if (bad.length > 0) {
      const shown = bad.slice(0, 5).join(', ');
      ctx.addIssue({
        code: 'custom',
        message: `${label}: ${shown} ${bad.length === 1 ? 'is not an ISO 4217 currency code' : 'are not ISO 4217 currency codes'} (such as USD, EUR or JPY)`,
      });
      return z.NEVER;
    }
    if (codes.length > 50) {
      ctx.addIssue({ code: 'custom', message: `${label}: at most 50 currencies` });
      return z.NEVER;
    }
    return codes;
  });
}

/** Every agreement field of a form: empty ones are left out, so the agreement's defaults apply. */
export const AGREEMENT_FORM_SHAPE = {
  model: select('model', AGREEMENT_MODELS),
  currencies: optional(currencyList(said('currencies'))),
  advanceRate: optional(formRate(said('advanceRate'), { min: '0.01' })),
  reserveRate: optional(formRate(said('reserveRate'))),
  feeKind: select('feeKind', FEE_KINDS),
  flatRate: optional(formRate(said('flatRate'))),
  deductFrom: select('deductFrom', FLAT_FEE_FROM),
  initialRate: optional(formRate(said('initialRate'))),
  initialDays: optional(days(said('initialDays'), { min: 1 })),
  stepRate: optional(formRate(said('stepRate'))),
  stepDays: optional(days(said('stepDays'), { min: 1 })),
  // an annual rate may pass 100% for very short-term pricing
  annualRate: optional(formRate(said('annualRate'), { max: '10' })),
  dayCount: select('dayCount', DAY_COUNTS),
  base: select('base', FEE_BASES),
  serviceFee: optional(formMoney(said('serviceFee'))),
  minimumFee: optional(formMoney(said('minimumFee'))),
  policyKind: select('policyKind', RESERVE_POLICY_KINDS),
  holdDays: optional(days(said('holdDays'))),
  cap: optional(formMoney(said('cap'))),
  target: optional(formMoney(said('target'))),
  buildRate: optional(formRate(said('buildRate'))),
  policyRate: optional(formRate(said('policyRate'))),
  escrowShare: optional(formRate(said('escrowShare'))),
  escrowCap: optional(formMoney(said('escrowCap'))),
  cadence: select('cadence', RELEASE_CADENCES),
  anchorDate: optional(businessDate(said('anchorDate'))),
  recourseDays: optional(days(said('recourseDays'))),
  toleranceAmount: optional(formMoney(said('toleranceAmount'))),
  // a rate like every other on a form ("0.5%" is half a percent); the terms keep it as a percent
  tolerancePercent: optional(formRate(said('tolerancePercent'))),
  creditLimit: optional(formMoney(said('creditLimit'))),
  concentrationLimit: optional(formRate(said('concentrationLimit'))),
  minimumReserveBalance: optional(formMoney(said('minimumReserveBalance'))),
  releaseAutoApproveUpTo: optional(formMoney(said('releaseAutoApproveUpTo'))),
  verificationThreshold: optional(formMoney(said('verificationThreshold'))),
  riskScore: optional(wholeNumber(said('riskScore'), { min: 0, max: 100 })),
};

type Parsed = Partial<z.output<z.ZodObject<typeof AGREEMENT_FORM_SHAPE>>> & { currency?: unknown };

const MONEY_FIELDS = [
  'serviceFee',
  'minimumFee',
  'cap',
  'escrowCap',
  'target',
  'toleranceAmount',
  'creditLimit',
  'minimumReserveBalance',
  'releaseAutoApproveUpTo',
  'verificationThreshold',
] as const;

/** The parameters each fee kind and reserve policy needs (the others are not submitted). */
const REQUIRED: Record<string, readonly AgreementFormField[]> = {
  flat: ['flatRate'],
  tiered: ['initialRate', 'initialDays', 'stepRate', 'stepDays'],
  daily_rate: ['annualRate'],
  per_invoice: [],
  rolling: [],
  capped: ['cap'],
  fixed: ['target', 'buildRate'],
  percent_of_open: ['policyRate'],
  escrow: ['escrowShare', 'escrowCap'],
};

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const isDecimal = (v: unknown): v is string => typeof v === 'string' && DECIMAL.test(v);
const pct = (v: Big) => `${v.times(100).toFixed()}%`;

/** A terms path (`fees.rate`, `reservePolicy.rate`) → its form field, for the agreement's own rules. */
function fieldOfPath(path: readonly PropertyKey[], fees: unknown, policy?: unknown): AgreementFormField | undefined {
  const key = path.map(String).join('.');
  if (policy === 'escrow' && key === 'reservePolicy.cap') return 'escrowCap';
  if (key === 'reservePolicy.share') return 'escrowShare';
  const map: Record<string, AgreementFormField> = {
    fees: 'feeKind',
    'fees.kind': 'feeKind',
    'fees.rate': fees === 'flat' ? 'flatRate' : 'annualRate',
    'fees.deductFrom': 'deductFrom',
    'fees.initialRate': 'initialRate',
    'fees.initialDays': 'initialDays',
    'fees.stepRate': 'stepRate',
    'fees.stepDays': 'stepDays',
    'fees.dayCount': 'dayCount',
    'fees.base': 'base',
    reservePolicy: 'policyKind',
    'reservePolicy.kind': 'policyKind',
    'reservePolicy.holdDays': 'holdDays',
    'reservePolicy.cap': 'cap',
    'reservePolicy.target': 'target',
    'reservePolicy.buildRate': 'buildRate',
    'reservePolicy.rate': 'policyRate',
    releaseSchedule: 'cadence',
    'releaseSchedule.cadence': 'cadence',
    'releaseSchedule.anchorDate': 'anchorDate',
    shortPayTolerance: 'toleranceAmount',
    'shortPayTolerance.amount': 'toleranceAmount',
    'shortPayTolerance.percent': 'tolerancePercent',
  };
  if (map[key]) return map[key];
  if (key.startsWith('currencies')) return 'currencies';
  return (AGREEMENT_FORM_FIELDS as string[]).includes(key) ? (key as AgreementFormField) : undefined;
}

/** The home currency the amounts are in, when the form names a real one. */
function knownCurrency(values: Parsed): string | undefined {
  return isIsoCurrency(values.currency) ? values.currency : undefined;
}

/**
 * The rules across fields, each error under the field it concerns: the parameters of the chosen
 * fee kind and reserve policy, amounts within the currency's minor units, and SPEC 2's
 * advance + reserve = 100% (or 100% less a flat fee). Values are checked before any arithmetic:
 * this runs also when another field was refused.
 */
export function checkAgreementForm(values: Parsed, ctx: z.RefinementCtx): void {
  const flagged = new Set<string>();
  const issue = (field: AgreementFormField, message: string) => {
    if (flagged.has(field)) return;
    flagged.add(field);
    ctx.addIssue({ code: 'custom', path: [field], message });
  };
  for (const kind of [values.feeKind, values.policyKind]) {
    for (const field of typeof kind === 'string' ? (REQUIRED[kind] ?? []) : []) {
      if (values[field] === undefined) issue(field, `${said(field)} is required for this ${kind === values.feeKind ? 'fee kind' : 'reserve policy'}`);
    }
  }
  const currency = knownCurrency(values);
  if (currency) for (const field of MONEY_FIELDS) checkMinorUnits(ctx, [field], said(field), values[field], currency);
  // SPEC 2: advance + reserve = 1 unless a flat fee is taken from one of them.
  const advance = values.advanceRate ?? '0.80';
  const reserve = values.reserveRate ?? '0.20';
  const flat = values.feeKind === 'flat' ? (values.flatRate ?? '0') : '0';
  if (isDecimal(advance) && isDecimal(reserve) && isDecimal(flat)) {
    const total = new Big(advance).plus(reserve);
    if (!total.eq(1) && !total.plus(flat).eq(1)) {
      issue(
        'reserveRate',
        values.feeKind === 'flat'
          ? `Advance rate and reserve rate must add up to 100%, or to 100% less the flat fee rate (${pct(new Big(flat))}); they make ${pct(total)}`
          : `Advance rate and reserve rate must add up to 100%; they make ${pct(total)}`,
      );
    }
  }
  // Anything else the agreement refuses, under its field (the same rules as the API's JSON).
  if (flagged.size > 0) return;
  const terms = agreementTermsSchema.safeParse(agreementFromForm(values));
  if (terms.success) return;
  for (const i of terms.error.issues) {
    const field = fieldOfPath(i.path, values.feeKind, values.policyKind);
    if (field) issue(field, i.message);
    else ctx.addIssue({ code: 'custom', path: [], message: i.message });
  }
}

/** A parsed amount as the terms keep it: at least the currency's minor units (2 when unknown). */
function amount(value: string, currency: string | undefined): string {
  const decimals = (value.split('.')[1] ?? '').length;
  return fixed(new Big(value), Math.max(decimals, currency ? minorUnits(currency) : 2));
}

/** A parsed rate (a fraction) as the terms keep it: "0.80", "0.125". */
const rate = (value: string) => formatRate(new Big(value));

/**
 * The parsed form as the agreement's terms input — the same shape the API's JSON gives
 * `agreementTermsSchema`. Only the parameters of the chosen fee kind and reserve policy go in.
 */
export function agreementFromForm(values: Parsed): AgreementTermsInput {
  const currency = knownCurrency(values);
  const terms: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined) terms[key] = value;
  };
  const r = (v: string | undefined) => (isDecimal(v) ? rate(v) : v);
  const m = (v: string | undefined) => (isDecimal(v) ? amount(v, currency) : v);
  put('model', values.model);
  put('currencies', values.currencies);
  put('advanceRate', r(values.advanceRate));
  put('reserveRate', r(values.reserveRate));
  put('serviceFee', m(values.serviceFee));
  put('minimumFee', m(values.minimumFee));
  put('recourseDays', values.recourseDays);
  put('creditLimit', m(values.creditLimit));
  put('concentrationLimit', r(values.concentrationLimit));
  put('minimumReserveBalance', m(values.minimumReserveBalance));
  put('releaseAutoApproveUpTo', m(values.releaseAutoApproveUpTo));
  put('verificationThreshold', m(values.verificationThreshold));
  put('riskScore', values.riskScore);

  // SPEC 4: only the parameters of the chosen fee kind belong to the schedule.
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  if (values.feeKind === 'flat') terms.fees = strip({ kind: 'flat', rate: r(values.flatRate), deductFrom: values.deductFrom });
  else if (values.feeKind === 'tiered')
    terms.fees = strip({
      kind: 'tiered',
      initialRate: r(values.initialRate),
      initialDays: values.initialDays,
      stepRate: r(values.stepRate),
      stepDays: values.stepDays,
    });
  else if (values.feeKind === 'daily_rate')
    terms.fees = strip({ kind: 'daily_rate', rate: r(values.annualRate), dayCount: values.dayCount, base: values.base });

  // SPEC 5.4: likewise for the reserve policy.
  const policy = values.policyKind;
  if (policy === 'per_invoice') terms.reservePolicy = { kind: 'per_invoice' };
  else if (policy === 'rolling') terms.reservePolicy = strip({ kind: 'rolling', holdDays: values.holdDays });
  else if (policy === 'capped') terms.reservePolicy = strip({ kind: 'capped', holdDays: values.holdDays, cap: m(values.cap) });
  else if (policy === 'fixed') terms.reservePolicy = strip({ kind: 'fixed', target: m(values.target), buildRate: r(values.buildRate) });
  else if (policy === 'percent_of_open') terms.reservePolicy = strip({ kind: 'percent_of_open', rate: r(values.policyRate) });
  else if (policy === 'escrow') terms.reservePolicy = strip({ kind: 'escrow', share: r(values.escrowShare), cap: m(values.escrowCap) });

  const schedule = strip({ cadence: values.cadence, anchorDate: values.anchorDate });
  if (Object.keys(schedule).length > 0) terms.releaseSchedule = schedule;
  // the terms keep the tolerance as a percent ("0.5" is half a percent)
  const percent = isDecimal(values.tolerancePercent) ? new Big(values.tolerancePercent).times(100).toFixed() : values.tolerancePercent;
  const tolerance = strip({ amount: m(values.toleranceAmount), percent });
  if (Object.keys(tolerance).length > 0) terms.shortPayTolerance = tolerance;
  return terms as AgreementTermsInput;
}

/**
 * A form's schema: its own fields (`extra`: the client's name and currency, the effective date…)
 * and the agreement's. Output: the form's own fields and `agreement`, the terms input. A field
 * named `currency` in `extra` is the currency the amounts are in (JPY takes no decimals);
 * `check` adds the form's own rules across its fields (each error under its field).
 */
export function agreementFormSchema<E extends z.ZodRawShape>(extra: E, check?: (values: Partial<z.output<z.ZodObject<E>>>, ctx: z.RefinementCtx) => void) {
  const keys = Object.keys(extra);
  return z
    .object({ ...AGREEMENT_FORM_SHAPE, ...extra })
    .superRefine((values, ctx) => {
      check?.(values as Partial<z.output<z.ZodObject<E>>>, ctx);
      checkAgreementForm(values as Parsed, ctx);
    })
    .transform((values) => {
      const own = Object.fromEntries(keys.map((k) => [k, (values as Record<string, unknown>)[k]])) as z.output<z.ZodObject<E>>;
      return { ...own, agreement: agreementFromForm(values as Parsed) };
    });
}

/**
 * Every field of the form, filled from an agreement (parameters of other kinds left empty).
 * Rates are written as percentages ("80%", "100%"): a bare "1.00" would read as 1% on a form.
 */
export function agreementToForm(terms: AgreementTerms): AgreementForm {
  const percent = (fraction: string) => (isDecimal(fraction) ? pct(new Big(fraction)) : fraction);
  const form = Object.fromEntries(AGREEMENT_FORM_FIELDS.map((k) => [k, ''])) as AgreementForm;
  form.model = terms.model;
  form.currencies = (terms.currencies ?? []).join(', ');
  form.advanceRate = percent(terms.advanceRate);
  form.reserveRate = percent(terms.reserveRate);
  form.serviceFee = terms.serviceFee;
  form.minimumFee = terms.minimumFee;
  form.cadence = terms.releaseSchedule.cadence;
  form.anchorDate = terms.releaseSchedule.anchorDate;
  form.recourseDays = String(terms.recourseDays);
  form.toleranceAmount = terms.shortPayTolerance.amount;
  // a percent, written with its sign so the form reads it as one ("0.5%", not the fraction 0.5)
  form.tolerancePercent = `${terms.shortPayTolerance.percent}%`;
  form.creditLimit = terms.creditLimit;
  form.concentrationLimit = percent(terms.concentrationLimit);
  form.minimumReserveBalance = terms.minimumReserveBalance;
  form.releaseAutoApproveUpTo = terms.releaseAutoApproveUpTo;
  // empty: no threshold (issue 15), and an emptied field removes it from the next version
  form.verificationThreshold = terms.verificationThreshold ?? '';
  form.riskScore = terms.riskScore === undefined ? '' : String(terms.riskScore);

  const fees = terms.fees;
  form.feeKind = fees.kind;
  if (fees.kind === 'flat') {
    form.flatRate = percent(fees.rate);
    form.deductFrom = fees.deductFrom;
  } else if (fees.kind === 'tiered') {
    form.initialRate = percent(fees.initialRate);
    form.initialDays = String(fees.initialDays);
    form.stepRate = percent(fees.stepRate);
    form.stepDays = String(fees.stepDays);
  } else {
    form.annualRate = percent(fees.rate);
    form.dayCount = fees.dayCount;
    form.base = fees.base;
  }

  const policy = terms.reservePolicy;
  form.policyKind = policy.kind;
  if (policy.kind === 'rolling') form.holdDays = String(policy.holdDays);
  else if (policy.kind === 'capped') {
    form.holdDays = String(policy.holdDays);
    form.cap = policy.cap;
  } else if (policy.kind === 'fixed') {
    form.target = policy.target;
    form.buildRate = percent(policy.buildRate);
  } else if (policy.kind === 'percent_of_open') form.policyRate = percent(policy.rate);
  else if (policy.kind === 'escrow') {
    form.escrowShare = percent(policy.share);
    form.escrowCap = policy.cap;
  }
  return form;
}

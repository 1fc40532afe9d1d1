import type { AgreementTerms, AgreementTermsInput } from './terms';

/**
 * The agreement (SPEC 2) as the flat fields of a console form, and back. Pure, and with
 * type-only imports, so the browser can use it to place errors next to fields.
 * Empty fields are left out so the schema's defaults apply; validation stays in
 * `agreementTermsSchema` (a value that is not a whole number of days is passed on as typed,
 * so the schema names the field).
 */
export const AGREEMENT_FORM_FIELDS = [
  'model',
  'currencies',
  'advanceRate',
  'reserveRate',
  'feeKind',
  'feeRate',
  'deductFrom',
  'initialRate',
  'initialDays',
  'stepRate',
  'stepDays',
  'dayCount',
  'base',
  'serviceFee',
  'minimumFee',
  'policyKind',
  'holdDays',
  'cap',
  'target',
  'buildRate',
  'policyRate',
  'cadence',
  'anchorDate',
  'recourseDays',
  'toleranceAmount',
  'tolerancePercent',
  'creditLimit',
  'concentrationLimit',
  'minimumReserveBalance',
  'releaseAutoApproveUpTo',
  'riskScore',
] as const;
export type AgreementFormField = (typeof AGREEMENT_FORM_FIELDS)[number];
export type AgreementForm = Record<AgreementFormField, string>;

type Mutable = Record<string, unknown>;

/** A whole number of days (or a score) as a number; anything else as typed, for the schema to refuse. */
function wholeNumber(value: string): number | string {
  return /^\d{1,9}$/.test(value) ? Number(value) : value;
}

/** Copies the non-empty fields named in `map` (form field → terms key) into an object. */
function pick(f: (name: string) => string | undefined, map: Record<string, string>, convert: Record<string, (v: string) => unknown> = {}): Mutable {
  const out: Mutable = {};
  for (const [field, key] of Object.entries(map)) {
    const v = f(field);
    if (v !== undefined) out[key] = convert[field] ? convert[field](v) : v;
  }
  return out;
}

export function agreementFromForm(fields: Record<string, string | undefined>): AgreementTermsInput {
  const f = (name: string): string | undefined => {
    const v = fields[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const terms: Mutable = pick(f, {
    model: 'model',
    advanceRate: 'advanceRate',
    reserveRate: 'reserveRate',
    serviceFee: 'serviceFee',
    minimumFee: 'minimumFee',
    recourseDays: 'recourseDays',
    creditLimit: 'creditLimit',
    concentrationLimit: 'concentrationLimit',
    minimumReserveBalance: 'minimumReserveBalance',
    releaseAutoApproveUpTo: 'releaseAutoApproveUpTo',
    riskScore: 'riskScore',
  }, { recourseDays: wholeNumber, riskScore: wholeNumber });

  const currencies = f('currencies');
  if (currencies !== undefined) terms.currencies = currencies.split(/[\s,;]+/).filter(Boolean).map((c) => c.toUpperCase());

  // SPEC 4: only the parameters of the chosen fee kind belong to the schedule.
  const feeKind = f('feeKind');
  if (feeKind !== undefined) {
    const params: Record<string, Record<string, string>> = {
      flat: { feeRate: 'rate', deductFrom: 'deductFrom' },
      tiered: { initialRate: 'initialRate', initialDays: 'initialDays', stepRate: 'stepRate', stepDays: 'stepDays' },
      daily_rate: { feeRate: 'rate', dayCount: 'dayCount', base: 'base' },
    };
    terms.fees = { kind: feeKind, ...pick(f, params[feeKind] ?? {}, { initialDays: wholeNumber, stepDays: wholeNumber }) };
  }

  // SPEC 5.4: likewise for the reserve policy.
  const policyKind = f('policyKind');
  if (policyKind !== undefined) {
    const params: Record<string, Record<string, string>> = {
      per_invoice: {},
      rolling: { holdDays: 'holdDays' },
      capped: { holdDays: 'holdDays', cap: 'cap' },
      fixed: { target: 'target', buildRate: 'buildRate' },
      percent_of_open: { policyRate: 'rate' },
    };
    terms.reservePolicy = { kind: policyKind, ...pick(f, params[policyKind] ?? {}, { holdDays: wholeNumber }) };
  }

  const schedule = pick(f, { cadence: 'cadence', anchorDate: 'anchorDate' });
  if (Object.keys(schedule).length > 0) terms.releaseSchedule = schedule;
  const tolerance = pick(f, { toleranceAmount: 'amount', tolerancePercent: 'percent' });
  if (Object.keys(tolerance).length > 0) terms.shortPayTolerance = tolerance;

  // The schema validates every value; this only shapes them.
  return terms as AgreementTermsInput;
}

/** Every field of the form, filled from an agreement (parameters of other kinds left empty). */
export function agreementToForm(terms: AgreementTerms): AgreementForm {
  const form = Object.fromEntries(AGREEMENT_FORM_FIELDS.map((k) => [k, ''])) as AgreementForm;
  form.model = terms.model;
  form.currencies = (terms.currencies ?? []).join(', ');
  form.advanceRate = terms.advanceRate;
  form.reserveRate = terms.reserveRate;
  form.serviceFee = terms.serviceFee;
  form.minimumFee = terms.minimumFee;
  form.cadence = terms.releaseSchedule.cadence;
  form.anchorDate = terms.releaseSchedule.anchorDate;
  form.recourseDays = String(terms.recourseDays);
  form.toleranceAmount = terms.shortPayTolerance.amount;
  form.tolerancePercent = terms.shortPayTolerance.percent;
  form.creditLimit = terms.creditLimit;
  form.concentrationLimit = terms.concentrationLimit;
  form.minimumReserveBalance = terms.minimumReserveBalance;
  form.releaseAutoApproveUpTo = terms.releaseAutoApproveUpTo;
  form.riskScore = terms.riskScore === undefined ? '' : String(terms.riskScore);

  const fees = terms.fees;
  form.feeKind = fees.kind;
  if (fees.kind === 'flat') {
    form.feeRate = fees.rate;
    form.deductFrom = fees.deductFrom;
  } else if (fees.kind === 'tiered') {
    form.initialRate = fees.initialRate;
    form.initialDays = String(fees.initialDays);
    form.stepRate = fees.stepRate;
    form.stepDays = String(fees.stepDays);
  } else {
    form.feeRate = fees.rate;
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
    form.buildRate = policy.buildRate;
  } else if (policy.kind === 'percent_of_open') form.policyRate = policy.rate;
  return form;
}

/** The terms path of a validation error (`fees.rate`, `agreement.fees.rate`) → its form field. */
const PATH_TO_FIELD: Record<string, AgreementFormField> = {
  model: 'model',
  currencies: 'currencies',
  advanceRate: 'advanceRate',
  reserveRate: 'reserveRate',
  fees: 'feeKind',
  'fees.kind': 'feeKind',
  'fees.rate': 'feeRate',
  'fees.deductFrom': 'deductFrom',
  'fees.initialRate': 'initialRate',
  'fees.initialDays': 'initialDays',
  'fees.stepRate': 'stepRate',
  'fees.stepDays': 'stepDays',
  'fees.dayCount': 'dayCount',
  'fees.base': 'base',
  serviceFee: 'serviceFee',
  minimumFee: 'minimumFee',
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
  recourseDays: 'recourseDays',
  shortPayTolerance: 'toleranceAmount',
  'shortPayTolerance.amount': 'toleranceAmount',
  'shortPayTolerance.percent': 'tolerancePercent',
  creditLimit: 'creditLimit',
  concentrationLimit: 'concentrationLimit',
  minimumReserveBalance: 'minimumReserveBalance',
  releaseAutoApproveUpTo: 'releaseAutoApproveUpTo',
  riskScore: 'riskScore',
};

/**
 * Error details keyed by terms path (as `parseInput` names them, with or without an
 * `agreement.` prefix) re-keyed by form field; keys that are no agreement field stay as
 * they are, for the form to show in its summary. The first message per field wins.
 */
export function agreementErrorsByField(errors: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors ?? {})) {
    const path = key.startsWith('agreement.') ? key.slice('agreement.'.length) : key === 'agreement' ? '' : key;
    const field = PATH_TO_FIELD[path] ?? (path.startsWith('currencies.') ? 'currencies' : undefined);
    const name = field ?? key;
    if (!(name in out)) out[name] = message;
  }
  return out;
}

import { z } from 'zod';
import { isBusinessDate } from '../dates';
import { Big, MAX_MONEY_INTEGER_DIGITS, isIsoCurrency, minorUnits } from '../money';

/**
 * The shared field schemas (STYLE "How a command flows", step 1). Every server action and API
 * route builds its input schema from these, so a field means the same thing everywhere and its
 * error names the field's label in a person's words ("Advance rate must be between 1% and
 * 100%"), never a path or zod's wording.
 *
 * Two surfaces, one meaning:
 * - API JSON keeps API.md's decimal-string contract: `money(label)` takes "12500.00", `rate(label)`
 *   takes "0.80".
 * - Console forms take what people type: `formMoney` also takes "12,500.00", `formRate` takes
 *   "80", "80%" or "0.80" (all 0.80; see RATE_HINT).
 * Both output the same decimal string, so a command has one input type.
 *
 * Pure (no server imports): client components use the hints and labels too.
 */

/** Said next to every rate field on a form. */
export const RATE_HINT = 'Write 80, 80% or 0.80 — all mean 80%. A number below 1 is a fraction; write 0.5% with the % sign.';
/** Said next to every money field on a form. */
export const MONEY_HINT = 'Digits with an optional point, e.g. 12500 or 12,500.00.';

const PLAIN_DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const GROUPED_DECIMAL = /^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/;
// C0 controls other than tab/newline, DEL, and lone surrogates: text a person cannot have meant.
const BAD_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The largest id a form or body may name: ids are bigserial, read as JavaScript numbers (safe integers only). */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** What kind of field a schema is — read by tests that generate inputs per field (tests/support/hostile.ts). */
export type FieldKind =
  | 'id'
  | 'businessDate'
  | 'currency'
  | 'money'
  | 'formMoney'
  | 'rate'
  | 'formRate'
  | 'days'
  | 'wholeNumber'
  | 'text'
  | 'email'
  | 'choice'
  | 'checkbox'
  | 'boolean'
  | 'list'
  | 'array'
  | 'iban'
  | 'bic';

export interface FieldInfo {
  kind: FieldKind;
  label: string;
  /** choice: the allowed values */
  values?: readonly string[];
  /** list/array: the item's schema */
  item?: z.ZodType;
  /** made optional(): absent or empty is fine */
  optional?: boolean;
  /** text: at most this many characters */
  max?: number;
  /** money: negative amounts are allowed */
  negative?: boolean;
}

const fieldInfos = new WeakMap<z.ZodType, FieldInfo>();

/** The schema a preprocess pipes into: kept by the copies `.refine()` makes, so the info survives a refinement. */
function pipedInto(schema: z.ZodType): z.ZodType | undefined {
  const def = (schema as unknown as { _zod: { def: { type: string; in?: { _zod: { def: { type: string } } }; out?: z.ZodType } } })._zod.def;
  return def.type === 'pipe' && def.in?._zod.def.type === 'transform' ? def.out : undefined;
}

/** Records what kind of field a schema is, for `fieldInfo` (also used by the field schemas of lib/validation/bank.ts and the return codes). */
export function described<S extends z.ZodType>(schema: S, info: FieldInfo): S {
  fieldInfos.set(schema, info);
  const inner = pipedInto(schema);
  if (inner) fieldInfos.set(inner, info);
  return schema;
}

/** The kind and label of a schema made here, also after `.refine()` (undefined for any other schema). */
export function fieldInfo(schema: z.ZodType): FieldInfo | undefined {
  const own = fieldInfos.get(schema);
  if (own) return own;
  const inner = pipedInto(schema);
  return inner ? fieldInfos.get(inner) : undefined;
}

/**
 * The error code of a failed field at the API (API.md: a 400 whose `details` name each field).
 * Amounts keep the codes the API has always answered (`too_large`, `too_many_decimals`,
 * `negative_amount`, `invalid_decimal`); anything else is `invalid_input` (undefined here).
 */
export function issueCode(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'custom') return undefined;
  const code = (issue.params as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

type Issue = { input: unknown };
/** "is required" when nothing was sent, otherwise `invalid`. */
export const requiredOr = (label: string, invalid: string) => (issue: Issue) =>
  issue.input === undefined || issue.input === null || issue.input === '' ? `${label} is required` : `${label} ${invalid}`;

/** Strings from forms and JSON alike; numbers (JSON) are accepted for counts and ids only. */
function asText(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

function pct(value: Big): string {
  return `${value.times(100).toFixed()}%`;
}

/** A record id: a positive whole number, given as a number (JSON) or digits (form, path). */
export function id(label: string) {
  return described(
    z.preprocess(
      (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : asText(v)),
      z
        .string({ error: requiredOr(label, 'must be a number') })
        .min(1, { error: `${label} is required` })
        .regex(/^[1-9]\d{0,15}$/, { error: `${label} must be a whole number such as 12` })
        .refine((v) => Number(v) <= MAX_ID, { error: `${label} is not a known record` })
        .transform(Number),
    ),
    { kind: 'id', label },
  );
}

/** A business date written YYYY-MM-DD. (Whether it may be that far back or ahead is the command's rule: 422.) */
export function businessDate(label: string) {
  return described(
    z.preprocess(
      asText,
      z
        .string({ error: requiredOr(label, 'must be a date written YYYY-MM-DD') })
        .min(1, { error: `${label} is required` })
        .refine(isBusinessDate, { error: `${label} must be a real date written YYYY-MM-DD, such as 2026-03-31` }),
    ),
    { kind: 'businessDate', label },
  );
}

/** A currency: an active ISO 4217 code (so XYZ is refused). Lower case is accepted as typed on a form. */
export function currency(label = 'Currency') {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
      z
        .string({ error: requiredOr(label, 'must be a currency code such as USD') })
        .min(1, { error: `${label} is required` })
        .refine(isIsoCurrency, { error: `${label} must be an ISO 4217 currency code such as USD, EUR or JPY` }),
    ),
    { kind: 'currency', label },
  );
}

export interface MoneyOptions {
  /** the currency whose minor units bound the decimals (default: 4, what the ledger keeps) */
  currency?: string;
  /** allow 0 (default true) */
  allowZero?: boolean;
  /** allow negative amounts (default false) */
  allowNegative?: boolean;
  /** largest amount, as a decimal string */
  max?: string;
}

function moneySchema(label: string, grouped: boolean, options: MoneyOptions) {
  const decimals = options.currency && isIsoCurrency(options.currency) ? minorUnits(options.currency) : 4;
  const example = grouped ? '12,500.00' : '12500.00';
  return described(
    z.preprocess(
      (v) => (typeof v === 'number' && grouped && Number.isFinite(v) ? String(v) : asText(v)),
      z
        .string({ error: requiredOr(label, `must be an amount written as digits, such as ${example}`) })
        .min(1, { error: `${label} is required` })
        .transform((v, ctx) => {
          let text = v;
          let negative = false;
          if (options.allowNegative && text.startsWith('-')) {
            negative = true;
            text = text.slice(1);
          }
          if (grouped && GROUPED_DECIMAL.test(text)) text = text.replace(/,/g, '');
          if (!PLAIN_DECIMAL.test(text)) {
            const why =
              /e/i.test(text) && /\d/.test(text)
                ? 'must be written out in digits (no exponent such as 1e5)'
                : text.startsWith('-')
                  ? 'must not be negative'
                  : `must be an amount written as digits, such as ${example}`;
            ctx.addIssue({
              code: 'custom',
              message: `${label} ${why}`,
              params: { code: /^-\d/.test(text) && PLAIN_DECIMAL.test(text.slice(1)) ? 'negative_amount' : 'invalid_decimal' },
            });
            return z.NEVER;
          }
          const [whole, frac = ''] = text.split('.');
          if (whole!.length > MAX_MONEY_INTEGER_DIGITS) {
            ctx.addIssue({
              code: 'custom',
              message: `${label} is too large: at most ${MAX_MONEY_INTEGER_DIGITS} digits before the decimal point`,
              params: { code: 'too_large' },
            });
            return z.NEVER;
          }
          if (frac.length > decimals) {
            ctx.addIssue({
              code: 'custom',
              message:
                decimals === 0
                  ? `${label} must be a whole amount (${options.currency} has no cents)`
                  : `${label} may have at most ${decimals} decimal places${options.currency ? ` in ${options.currency}` : ''}`,
              params: { code: 'too_many_decimals' },
            });
            return z.NEVER;
          }
          const value = new Big(text);
          if (options.allowZero === false && value.eq(0)) {
            ctx.addIssue({ code: 'custom', message: `${label} must be more than 0` });
            return z.NEVER;
          }
          if (options.max !== undefined && value.gt(options.max)) {
            ctx.addIssue({ code: 'custom', message: `${label} must be at most ${options.max}` });
            return z.NEVER;
          }
          return (negative && !value.eq(0) ? value.neg() : value).toFixed();
        }),
    ),
    { kind: grouped ? 'formMoney' : 'money', label, ...(options.allowNegative ? { negative: true } : {}) },
  );
}

/** An amount as API.md sends it: a decimal string ("12500.00"); output the same, normalised. */
export function money(label: string, options: MoneyOptions = {}) {
  return moneySchema(label, false, options);
}

/** An amount as people type it on a form: "12500", "12,500.00". */
export function formMoney(label: string, options: MoneyOptions = {}) {
  return moneySchema(label, true, options);
}

/**
 * Checks an already-parsed amount against its currency's minor units — for objects whose
 * currency is another field (use in `superRefine`).
 */
export function checkMinorUnits(ctx: z.RefinementCtx, path: (string | number)[], label: string, amount: unknown, currencyCode: unknown): void {
  if (typeof amount !== 'string' || typeof currencyCode !== 'string' || !isIsoCurrency(currencyCode)) return;
  const decimals = minorUnits(currencyCode);
  const frac = amount.split('.')[1] ?? '';
  if (frac.replace(/0+$/, '').length > decimals) {
    ctx.addIssue({
      code: 'custom',
      path,
      message:
        decimals === 0
          ? `${label} must be a whole amount (${currencyCode} has no cents)`
          : `${label} may have at most ${decimals} decimal places in ${currencyCode}`,
      params: { code: 'too_many_decimals' },
    });
  }
}

export interface RateOptions {
  /** smallest rate as a fraction (default 0) */
  min?: string;
  /** largest rate as a fraction (default 1) */
  max?: string;
}

function bounds(label: string, options: RateOptions) {
  const min = new Big(options.min ?? '0');
  const max = new Big(options.max ?? '1');
  return { min, max, message: `${label} must be between ${pct(min)} and ${pct(max)}` };
}

function checkRate(label: string, value: Big, options: RateOptions, ctx: z.RefinementCtx, percent: boolean): string | typeof z.NEVER {
  const b = bounds(label, options);
  if (value.lt(b.min) || value.gt(b.max)) {
    ctx.addIssue({ code: 'custom', message: b.message });
    return z.NEVER;
  }
  const text = value.toFixed();
  if ((text.split('.')[1] ?? '').length > 10) {
    ctx.addIssue({
      code: 'custom',
      message: percent ? `${label} has too many decimal places (at most 8 in a percentage)` : `${label} may have at most 10 decimal places`,
    });
    return z.NEVER;
  }
  return text;
}

/** A rate as API.md sends it: a decimal string fraction ("0.80"). */
export function rate(label: string, options: RateOptions = {}) {
  return described(
    z.preprocess(
      asText,
      z
        .string({ error: requiredOr(label, 'must be a decimal fraction such as "0.80"') })
        .min(1, { error: `${label} is required` })
        .transform((v, ctx) => {
          if (!PLAIN_DECIMAL.test(v) || v.split('.')[0]!.length > 3) {
            ctx.addIssue({ code: 'custom', message: `${label} must be a decimal fraction such as "0.80"` });
            return z.NEVER;
          }
          return checkRate(label, new Big(v), options, ctx, false);
        }),
    ),
    { kind: 'rate', label },
  );
}

/**
 * A rate as people write it on a form: "80", "80%" and "0.80" all mean 0.80 (a number below 1
 * without % is a fraction; 1 or more is a percentage; with % always a percentage). Output: the
 * fraction as a decimal string.
 */
export function formRate(label: string, options: RateOptions = {}) {
  return described(
    z.preprocess(
      asText,
      z
        .string({ error: requiredOr(label, 'must be a percentage such as 80%') })
        .min(1, { error: `${label} is required` })
        .transform((v, ctx) => {
          const m = /^((?:0|[1-9]\d{0,3})(?:\.\d+)?)\s*(%?)$/.exec(v);
          if (!m) {
            ctx.addIssue({ code: 'custom', message: `${label} must be a percentage such as 80% (or 0.80)` });
            return z.NEVER;
          }
          const n = new Big(m[1]!);
          const fraction = m[2] === '%' || n.gte(1) ? n.div(100) : n;
          return checkRate(label, fraction, options, ctx, true);
        }),
    ),
    { kind: 'formRate', label },
  );
}

/** A count of days (or another whole number): "30" or 30. */
export function days(label: string, options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? 3650;
  return described(
    z.preprocess(
      (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : asText(v)),
      z
        .string({ error: requiredOr(label, 'must be a whole number of days') })
        .min(1, { error: `${label} is required` })
        .regex(/^\d{1,6}$/, { error: `${label} must be a whole number of days, such as 30` })
        .transform(Number)
        .refine((n) => n >= min && n <= max, { error: `${label} must be between ${min} and ${max} days` }),
    ),
    { kind: 'days', label },
  );
}

/** A whole number in a range (a risk score, a count). */
export function wholeNumber(label: string, options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? 1_000_000;
  return described(
    z.preprocess(
      (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : asText(v)),
      z
        .string({ error: requiredOr(label, 'must be a whole number') })
        .min(1, { error: `${label} is required` })
        .regex(/^\d{1,9}$/, { error: `${label} must be a whole number, such as ${min === 0 ? 10 : min}` })
        .transform(Number)
        .refine((n) => n >= min && n <= max, { error: `${label} must be between ${min} and ${max}` }),
    ),
    { kind: 'wholeNumber', label },
  );
}

/** Free text a person typed: trimmed, bounded, with no control characters or broken unicode. */
export function text(label: string, options: { max?: number; min?: number } = {}) {
  const max = options.max ?? 500;
  return described(
    z.preprocess(
      asText,
      z
        .string({ error: requiredOr(label, 'must be text') })
        .min(Math.max(1, options.min ?? 1), {
          error: options.min && options.min > 1 ? `${label} must be at least ${options.min} characters` : `${label} is required`,
        })
        .max(max, { error: `${label} must be at most ${max} characters` })
        .refine((v) => !BAD_TEXT.test(v), { error: `${label} contains characters that cannot be stored (control characters or broken unicode)` }),
    ),
    { kind: 'text', label, max },
  );
}

/** An email address. */
export function email(label = 'Email') {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
      z
        .string({ error: requiredOr(label, 'must be an email address') })
        .min(1, { error: `${label} is required` })
        .max(254, { error: `${label} must be at most 254 characters` })
        .regex(/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/, { error: `${label} must be an email address such as ap@example.com` })
        .refine((v) => !BAD_TEXT.test(v), { error: `${label} contains characters that cannot be stored (control characters or broken unicode)` }),
    ),
    { kind: 'email', label },
  );
}

/** One of a fixed list of values, the error listing them as a person reads them. */
export function choice<const T extends readonly [string, ...string[]]>(label: string, values: T, names?: Partial<Record<T[number], string>>) {
  const said = values.map((v) => names?.[v as T[number]] ?? v).join(', ');
  return described(
    z.preprocess(
      asText,
      z.enum(values, {
        error: (issue) =>
          issue.input === undefined || issue.input === null || issue.input === '' ? `${label} is required` : `${label} must be one of: ${said}`,
      }),
    ),
    { kind: 'choice', label, values },
  );
}

/** A checkbox: present ("on", "true") → true, absent → false. */
export function checkbox(label = 'Checkbox') {
  return described(
    z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean()),
    { kind: 'checkbox', label },
  );
}

/** A yes/no of a JSON body: `true` or `false` (not "yes", not 1). */
export function boolean(label: string) {
  return described(
    z.boolean({ error: (issue) => (issue.input === undefined || issue.input === null ? `${label} is required` : `${label} must be true or false`) }),
    { kind: 'boolean', label },
  );
}

/** A list (several checkboxes of one name, or a JSON array); one value becomes a list of one. */
export function list<S extends z.ZodType>(label: string, item: S, options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? 5000;
  return described(
    z.preprocess(
      (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
      z
        .array(item)
        .min(min, { error: min === 1 ? `Choose at least one ${label.toLowerCase()}` : `${label}: choose at least ${min}` })
        .max(max, { error: `${label}: at most ${max}` }),
    ),
    { kind: 'list', label, item },
  );
}

/**
 * A JSON array (API bodies): anything else — a single value, an object — is refused naming the
 * field, as a list is what API.md documents.
 */
export function array<S extends z.ZodType>(label: string, item: S, options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 0;
  const max = options.max ?? 5000;
  return described(
    z
      .array(item, { error: (issue) => (issue.input === undefined || issue.input === null ? `${label} is required` : `${label} must be a list`) })
      .min(min, { error: min === 1 ? `${label} must have at least one entry` : `${label} must have at least ${min} entries` })
      .max(max, { error: `${label} must have at most ${max} entries` }),
    { kind: 'array', label, item },
  );
}

/** Makes a field optional: an empty (or blank) form field, a missing JSON key or null is `undefined`. */
export function optional<S extends z.ZodType>(schema: S) {
  const made = z.preprocess((v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v), schema.optional());
  const info = fieldInfo(schema);
  return info ? described(made, { ...info, optional: true }) : made;
}

/**
 * An invoice as people name it: its number (with the client to tell two apart when the same
 * number exists for two clients) — or, from the API and from links, its id. Resolved to an
 * invoice by `resolveInvoiceRef` (lib/invoices/reference.ts), which says which clients hold an
 * ambiguous number.
 */
export function invoiceNumber(label = 'Invoice number', options: { max?: number } = {}) {
  return text(label, { max: options.max ?? 100 });
}

/** Turns FormData into a plain object for a schema: repeated names become lists, files are left out, empty strings stay "". */
export function formValues(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of form.entries()) {
    // Next's own fields, files, and names that would reach the object's prototype ("__proto__") are not input.
    if (typeof value !== 'string' || key.startsWith('$ACTION') || key === '__proto__') continue;
    const existing = Object.hasOwn(out, key) ? out[key] : undefined;
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

/**
 * An issue's message as a person reads it. The field schemas here name their labels already;
 * what is left is zod's own wording where a schema gave none — an object or a list that is
 * something else ("Invalid input: expected object, received string") — said in words instead
 * (issue 12: never zod's text).
 */
export function inPlainWords(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type' || !/^Invalid input/.test(issue.message)) return issue.message;
  return issue.expected === 'object'
    ? 'must be an object with its fields'
    : issue.expected === 'array'
      ? 'must be a list'
      : `must be a ${String(issue.expected)}`;
}

/**
 * Field errors of a failed parse: the first message per field, keyed by the field's path
 * ("fees.rate" for nested JSON, the input's name on a form), each already naming its label.
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (!(key in out)) out[key] = inPlainWords(issue);
  }
  return out;
}

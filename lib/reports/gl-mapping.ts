import { CHART_OF_ACCOUNTS, isAccountCode, type AccountCode } from '../ledger/accounts';
import { DomainError } from '../errors';

/**
 * Issue 16 item 7: Holdback's accounts (per account kind and currency) mapped to the factor's
 * chart-of-accounts codes and names, for the general-ledger export. Pure: the Settings form, the
 * export and the tests share it. A currency of `*` maps the account in every currency its own row
 * does not name; an account with neither falls back to `UNMAPPED-<ACCOUNT>-<CURRENCY>`, flagged on
 * the screen.
 */
export interface GlMappingEntry {
  account: AccountCode;
  /** an ISO code, or `*` for every currency without a row of its own */
  currency: string;
  code: string;
  name: string;
}

export interface GlAccount {
  code: string;
  name: string;
  /** false: no row maps it, the default code stands in */
  mapped: boolean;
}

export const ANY_CURRENCY = '*';
export const GL_CODE_MAX = 40;
export const GL_NAME_MAX = 100;
const GL_CODE = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/;

/** The default code of an unmapped account: clear in the file, and never a real code by accident. */
export function unmappedCode(account: AccountCode, currency: string): string {
  return `UNMAPPED-${account.toUpperCase()}-${currency}`;
}

/** The GL account of a Holdback account in a currency: its own row, else the `*` row, else the default. */
export function resolveGlAccount(mapping: readonly GlMappingEntry[], account: AccountCode, currency: string): GlAccount {
  const exact = mapping.find((m) => m.account === account && m.currency === currency);
  const any = exact ?? mapping.find((m) => m.account === account && m.currency === ANY_CURRENCY);
  if (any) return { code: any.code, name: any.name || CHART_OF_ACCOUNTS[account].label, mapped: true };
  return { code: unmappedCode(account, currency), name: `Not mapped: ${CHART_OF_ACCOUNTS[account].label} (${currency})`, mapped: false };
}

/** The words of a mapping row's fields ("GL code for Reserve held for the client (USD)"). */
export function mappingLabel(account: AccountCode, currency: string, field: 'code' | 'name'): string {
  const what = field === 'code' ? 'GL code' : 'GL account name';
  return `${what} for ${CHART_OF_ACCOUNTS[account].label} (${currency === ANY_CURRENCY ? 'any currency' : currency})`;
}

/** The form's field name of a row's code or name: `code__reserve__USD`, `name__reserve__ANY`. */
export function mappingFieldName(account: AccountCode, currency: string, field: 'code' | 'name'): string {
  return `${field}__${account}__${currency === ANY_CURRENCY ? 'ANY' : currency}`;
}

function invalid(details: Record<string, string>): DomainError {
  return new DomainError('invalid_input', `Please correct: ${Object.values(details).join('; ')}`, { status: 400, details });
}

/**
 * Checks a mapping: each row a known account, a currency code (or `*`), a GL code of 1–40 letters,
 * digits, spaces and . _ / -, a name of at most 100 characters; one row per account and currency.
 * Errors name the row's field (`details` keyed by its form field name). Returns the rows trimmed,
 * sorted by account and currency.
 */
export function validateGlMapping(input: unknown): GlMappingEntry[] {
  if (!Array.isArray(input)) throw invalid({ _: 'The mapping must be a list of rows (account, currency, code, name)' });
  if (input.length > 1000) throw invalid({ _: 'The mapping has at most 1,000 rows' });
  const details: Record<string, string> = {};
  const seen = new Set<string>();
  const out: GlMappingEntry[] = [];
  input.forEach((raw, i) => {
    const row = (raw ?? {}) as Record<string, unknown>;
    const account = typeof row.account === 'string' ? row.account : '';
    if (!isAccountCode(account)) {
      details[`${i}.account`] = `Row ${i + 1} account must be one of ${Object.keys(CHART_OF_ACCOUNTS).join(', ')}`;
      return;
    }
    const currency = typeof row.currency === 'string' && row.currency.trim() !== '' ? row.currency.trim().toUpperCase() : ANY_CURRENCY;
    if (currency !== ANY_CURRENCY && !/^[A-Z]{3}$/.test(currency)) {
      details[`${i}.currency`] = `Row ${i + 1} currency must be a currency code such as USD, or * for any currency`;
      return;
    }
    const codeField = mappingFieldName(account, currency, 'code');
    const nameField = mappingFieldName(account, currency, 'name');
    const code = typeof row.code === 'string' ? row.code.trim() : '';
    const name = typeof row.name === 'string' ? row.name.trim() : '';
    const label = mappingLabel(account, currency, 'code');
    if (code === '') details[codeField] = `${label} is required`;
    else if (code.length > GL_CODE_MAX) details[codeField] = `${label} must be at most ${GL_CODE_MAX} characters`;
    else if (!GL_CODE.test(code)) details[codeField] = `${label} may hold letters, digits, spaces and . _ / - (starting with a letter or digit)`;
    else if (code.toUpperCase().startsWith('UNMAPPED')) details[codeField] = `${label} must not start with UNMAPPED (the export's mark of an unmapped account)`;
    if (name.length > GL_NAME_MAX) details[nameField] = `${mappingLabel(account, currency, 'name')} must be at most ${GL_NAME_MAX} characters`;
    if (/[\r\n]/.test(name)) details[nameField] = `${mappingLabel(account, currency, 'name')} must be one line`;
    const key = `${account}|${currency}`;
    if (seen.has(key)) details[codeField] = `${label} is given twice`;
    seen.add(key);
    if (!(codeField in details) && !(nameField in details)) out.push({ account, currency, code, name });
  });
  if (Object.keys(details).length > 0) throw invalid(details);
  return out.sort((a, b) => (a.account === b.account ? (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0) : a.account < b.account ? -1 : 1));
}

/**
 * The Settings form's fields (`code__<account>__<currency>`, `name__…`) as mapping rows: a row per
 * account and currency whose code or name was filled in (a name without a code is an error naming
 * the code's field); blank rows are unmapped.
 */
export function mappingFromForm(fields: Record<string, unknown>): GlMappingEntry[] {
  const rows = new Map<string, { account: string; currency: string; code: string; name: string }>();
  for (const [key, value] of Object.entries(fields)) {
    const m = /^(code|name)__([a-z_]+)__([A-Z]{3}|ANY)$/.exec(key);
    if (!m) continue;
    const text = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
    const currency = m[3] === 'ANY' ? ANY_CURRENCY : m[3]!;
    const k = `${m[2]}|${currency}`;
    const row = rows.get(k) ?? { account: m[2]!, currency, code: '', name: '' };
    if (m[1] === 'code') row.code = text;
    else row.name = text;
    rows.set(k, row);
  }
  return validateGlMapping([...rows.values()].filter((r) => r.code.trim() !== '' || r.name.trim() !== ''));
}

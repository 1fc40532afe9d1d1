import { z } from 'zod';
import { isRoutingNumber } from '../releases/nacha';
import { described, requiredOr } from './fields';

/**
 * Bank account details as people type them (issue 14, "Bank details under four-eyes"): IBAN and
 * BIC for SEPA payouts, and the ABA routing number of a US account (the one check of lib/releases/
 * nacha.ts, re-exported here so forms find every bank check in one place). Pure: no server
 * imports, so forms can use the same checks and masks.
 */
export { isRoutingNumber };

/**
 * The length of an IBAN per country, for every country of SWIFT's IBAN registry (ISO 13616): a
 * payout by ISO 20022 credit transfer may go to any IBAN account (issue 14); SEPA_IBAN_LENGTHS
 * below is the subset whose EUR payments are SEPA credit transfers.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
});

/*
 * IBAN length per country, for the countries in the geographical scope of the SEPA schemes
 * (ISO 13616; lengths from SWIFT's IBAN registry). The EU-27, Iceland, Liechtenstein, Norway,
 * Switzerland, the United Kingdom, Monaco, San Marino, Vatican City, Andorra and Gibraltar (which
 * has its own IBAN prefix); Albania and Montenegro joined the scope in November 2024, Moldova and
 * North Macedonia in March 2025, Serbia in May 2025 (EPC board decisions). Territories that use
 * another country's IBAN prefix (Åland → FI, the French overseas departments → FR, Jersey,
 * Guernsey and the Isle of Man → GB, the Azores and Madeira → PT, …) are covered by it.
 */
export const SEPA_IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24,
  AL: 28,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  RS: 22,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  VA: 22,
});

/** An IBAN as written on paper or typed ("de89 3704 0044 0532 0130 00") in its electronic form: no spaces, upper case. */
export function normalizeIban(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** An IBAN in its printed form: groups of four ("DE89 3704 0044 0532 0130 00"). */
export function formatIban(value: string): string {
  return normalizeIban(value).replace(/(.{4})(?=.)/g, '$1 ');
}

/** Why an IBAN is refused, for the message; null when it is a valid IBAN. */
export type IbanProblem =
  | { problem: 'shape' }
  | { problem: 'country'; country: string }
  | { problem: 'length'; country: string; expected: number; actual: number }
  | { problem: 'checksum' };

// two letters of country, two check digits, then the account (BBAN): letters and digits
const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]+$/;

/**
 * ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end and letters
 * as numbers (A = 10 … Z = 35): a valid IBAN leaves 1. Computed digit by digit, so no number
 * grows beyond 97 × 10 + 9.
 */
function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = value >= 10 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97;
  }
  return rest;
}

/** What is wrong with an IBAN (spaces and case as typed are fine), or null when it is valid. */
export function ibanProblem(value: string): IbanProblem | null {
  const iban = normalizeIban(value);
  if (!IBAN_SHAPE.test(iban)) return { problem: 'shape' };
  const country = iban.slice(0, 2);
  const expected = IBAN_LENGTHS[country];
  if (expected === undefined) return { problem: 'country', country };
  if (iban.length !== expected) return { problem: 'length', country, expected, actual: iban.length };
  // ISO 13616: check digits are 02–98 ("00", "01", "99" never come out of the computation)
  const check = Number(iban.slice(2, 4));
  if (check < 2 || check > 98 || mod97(iban) !== 1) return { problem: 'checksum' };
  return null;
}

/**
 * A valid IBAN in its electronic form (capitals and digits, no spaces — what a payment file
 * carries; `normalizeIban` turns what a person typed into it): its country's length and matching
 * check digits.
 */
export function isValidIban(value: unknown): value is string {
  return typeof value === 'string' && value === normalizeIban(value) && ibanProblem(value) === null;
}

/** A valid IBAN of a country in the SEPA schemes' scope (a EUR payment to it is a SEPA credit transfer). */
export function isSepaIban(value: unknown): value is string {
  return isValidIban(value) && SEPA_IBAN_LENGTHS[value.slice(0, 2)] !== undefined;
}

/** A BIC in its electronic form: no spaces, upper case. */
export function normalizeBic(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/**
 * A BIC (ISO 9362) in its electronic form, 8 or 11 characters: bank code (4 letters), country (2
 * letters), location (2: the first never 0 or 1, the second never the letter O), optional branch
 * (3) — the ISO 20022 schemas' BICIdentifier, so a BIC that passes here passes a pain.001 file's
 * schema. `normalizeBic` turns what a person typed into this form.
 */
export function isValidBic(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/.test(value);
}

const MASK = '••••';

/**
 * An account number for screens, emails and the audit log, never the whole of it. An IBAN keeps
 * its country and check digits and its last four ("DE89 •••• •••• •••• 3000"; the same three
 * masked groups for every country, so the mask does not tell the length); any other account
 * number its last four ("••••6789"), and one of four characters or fewer shows none.
 */
export function maskAccount(value: string): string {
  const account = normalizeIban(value);
  if (IBAN_SHAPE.test(account) && account.length >= 12) return `${account.slice(0, 4)} ${MASK} ${MASK} ${MASK} ${account.slice(-4)}`;
  return account.length > 4 ? `${MASK}${account.slice(-4)}` : MASK;
}

/** Said next to an IBAN field on a form. */
export const IBAN_HINT = 'Spaces are fine, e.g. DE89 3704 0044 0532 0130 00.';

function ibanMessage(label: string, problem: IbanProblem): string {
  switch (problem.problem) {
    case 'shape':
      return `${label} must start with a two-letter country code and two check digits, then letters and digits, e.g. DE89 3704 0044 0532 0130 00`;
    case 'country':
      return `${label} is not valid: ${problem.country} is not a country that uses IBANs`;
    case 'length':
      return `${label} is not valid: a ${problem.country} IBAN has ${problem.expected} characters, this one has ${problem.actual}`;
    case 'checksum':
      return `${label} is not valid: its check digits do not match`;
  }
}

/**
 * An IBAN, as typed (spaces, lower case) or sent by the API; output in its
 * electronic form ("DE89370400440532013000"). Each refusal says what is wrong in words.
 */
export function iban(label = 'IBAN') {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : v),
      z
        .string({ error: requiredOr(label, 'must be an IBAN such as DE89 3704 0044 0532 0130 00') })
        .min(1, { error: `${label} is required` })
        // far longer than any IBAN (34 at most): said before anything else is computed over it
        .max(64, { error: `${label} is not valid: an IBAN has at most 34 letters and digits` })
        .transform((v, ctx) => {
          const problem = ibanProblem(v);
          if (problem) {
            ctx.addIssue({ code: 'custom', message: ibanMessage(label, problem) });
            return z.NEVER;
          }
          return normalizeIban(v);
        }),
    ),
    { kind: 'iban', label },
  );
}

/** A BIC (SWIFT code), as typed in any case; output upper case without spaces ("DEUTDEFF"). */
export function bic(label = 'BIC') {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? normalizeBic(v) : v),
      z
        .string({ error: requiredOr(label, 'must be 8 or 11 letters and digits, e.g. DEUTDEFF') })
        .min(1, { error: `${label} is required` })
        .refine((v) => /^[A-Z0-9]{8}([A-Z0-9]{3})?$/.test(v), { error: `${label} must be 8 or 11 letters and digits, e.g. DEUTDEFF`, abort: true })
        .refine((v) => /^[A-Z0-9]{4}[A-Z]{2}/.test(v), {
          error: `${label} is not valid: its 5th and 6th characters must be a country code, e.g. DE in DEUTDEFF`,
          abort: true,
        })
        .refine(isValidBic, { error: `${label} is not valid: a BIC is a 4-letter bank code, the country, then 2 and optionally 3 letters or digits` }),
    ),
    { kind: 'bic', label },
  );
}

/** Said next to an ABA routing number field on a form. */
export const ROUTING_HINT = '9 digits, e.g. 021000021 (on a US cheque, the first number at the bottom left).';

/**
 * An ABA routing number as typed (spaces and dashes are fine); output its 9 digits. A wrong
 * check digit is said as such, the usual typing mistake.
 */
export function routingNumber(label = 'Routing number') {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.replace(/[\s-]+/g, '') : v),
      z
        .string({ error: requiredOr(label, 'must be a 9-digit ABA routing number, e.g. 021000021') })
        .min(1, { error: `${label} is required` })
        .refine((v) => /^\d{9}$/.test(v), { error: `${label} must be a 9-digit ABA routing number, e.g. 021000021`, abort: true })
        .refine(isRoutingNumber, { error: `${label} is not a valid ABA routing number: its check digit does not match (is a digit mistyped?)` }),
    ),
    { kind: 'text', label, max: 20 },
  );
}

/** A US bank account number as typed (spaces are fine): 4 to 17 letters, digits or dashes — what an ACH entry carries. */
export function accountNumber(label = 'Account number') {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v),
      z
        .string({ error: requiredOr(label, 'must be 4 to 17 letters or digits') })
        .min(1, { error: `${label} is required` })
        .refine((v) => /^[0-9A-Za-z-]{4,17}$/.test(v), { error: `${label} must be 4 to 17 letters or digits` }),
    ),
    { kind: 'text', label, max: 40 },
  );
}

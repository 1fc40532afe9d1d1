/**
 * Bank identifiers of payout accounts (issue 14): IBAN (ISO 13616) and BIC (ISO 9362). Both take
 * the electronic form only — capitals and digits, no spaces — which is what a payment file
 * carries; `normalizeIban` turns what a person typed ("de89 3704 0044 …") into that form.
 */

/**
 * The length of an IBAN per country, from the SWIFT IBAN registry. A country missing here
 * (one the registry adds later) is held to the general shape, 15 to 34 characters, and the
 * checksum — which still catches a mistyped digit.
 */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
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
};

const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** "de89 3704 0044 0532 0130 00" → "DE89370400440532013000": spaces and dashes out, capitals. */
export function normalizeIban(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase();
}

/** ISO 7064 MOD 97-10 of the IBAN moved round (country and check digits last), letters A=10 … Z=35. */
function ibanRemainder(iban: string): number {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of moved) {
    const code = char.charCodeAt(0);
    // A digit shifts the remainder by one place, a letter (two digits, 10–35) by two.
    remainder = code >= 65 ? (remainder * 100 + (code - 55)) % 97 : (remainder * 10 + (code - 48)) % 97;
  }
  return remainder;
}

/**
 * An IBAN in electronic form: country, two check digits, the account (BBAN), the country's
 * length where the registry knows it, and a MOD 97-10 remainder of 1.
 */
export function isValidIban(value: unknown): value is string {
  if (typeof value !== 'string' || !IBAN_SHAPE.test(value)) return false;
  const length = IBAN_LENGTH[value.slice(0, 2)];
  if (length !== undefined && value.length !== length) return false;
  return ibanRemainder(value) === 1;
}

/**
 * A BIC of 8 or 11 characters: bank code (4 letters), country (2 letters), location (2), and an
 * optional branch (3). The location's first character is never 0 or 1 and its second never the
 * letter O — the pattern of the ISO 20022 schemas' BICIdentifier, so a BIC that passes here passes
 * the schema.
 */
export function isValidBic(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/.test(value);
}

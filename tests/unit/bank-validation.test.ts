import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { isRoutingNumber as nachaRoutingCheck } from '../../lib/releases/nacha';
import {
  IBAN_LENGTHS,
  SEPA_IBAN_LENGTHS,
  bic,
  formatIban,
  iban,
  ibanProblem,
  isRoutingNumber,
  isValidBic,
  isSepaIban,
  isValidIban,
  maskAccount,
  normalizeBic,
  normalizeIban,
} from '../../lib/validation/bank';
import { fieldInfo } from '../../lib/validation/fields';

/** The value, or the first message of a failed parse. */
function parse(schema: z.ZodType, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, message: result.error.issues[0]!.message };
}

const GOOD = ['DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606', 'NL91ABNA0417164300'];

describe('IBAN', () => {
  it('accepts the published example IBANs of Germany, the UK, France and the Netherlands', () => {
    for (const value of GOOD) {
      expect(isValidIban(value)).toBe(true);
      expect(ibanProblem(value)).toBeNull();
    }
  });

  it('accepts an IBAN as printed or typed once in its electronic form (ibanProblem and the field take it as typed)', () => {
    for (const typed of ['DE89 3704 0044 0532 0130 00', ' gb82 west 1234 5698 7654 32 ', 'fr14 2004 1010 0505 0001 3m02 606']) {
      expect(ibanProblem(typed)).toBeNull();
      expect(isValidIban(normalizeIban(typed))).toBe(true);
      // a payment file carries the electronic form only
      expect(isValidIban(typed)).toBe(false);
    }
  });

  it('refuses an IBAN with one digit changed: the check digits no longer match', () => {
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(ibanProblem('DE89370400440532013001')).toEqual({ problem: 'checksum' });
    expect(ibanProblem('DE88370400440532013000')).toEqual({ problem: 'checksum' });
    expect(ibanProblem('GB82WEST12345698765433')).toEqual({ problem: 'checksum' });
    expect(ibanProblem('FR1420041010050500013M02607')).toEqual({ problem: 'checksum' });
    expect(ibanProblem('NL91ABNA0417164301')).toEqual({ problem: 'checksum' });
    // two digits swapped
    expect(ibanProblem('DE89370400440532013000'.replace('0532', '0523'))).toEqual({ problem: 'checksum' });
  });

  it('refuses check digits outside 02–98 even where MOD 97 would pass (99 ≡ 02)', () => {
    expect(isValidIban('DE02370400440000000024')).toBe(true);
    expect(ibanProblem('DE99370400440000000024')).toEqual({ problem: 'checksum' });
    expect(ibanProblem('DE00370400440532013000')).toEqual({ problem: 'checksum' });
  });

  it('refuses an IBAN of the wrong length for its country, saying both lengths', () => {
    expect(ibanProblem('DE8937040044053201300')).toEqual({ problem: 'length', country: 'DE', expected: 22, actual: 21 });
    expect(ibanProblem('NL91ABNA04171643000')).toEqual({ problem: 'length', country: 'NL', expected: 18, actual: 19 });
    // a valid Dutch BBAN under a German prefix
    expect(ibanProblem('DE91ABNA0417164300')).toMatchObject({ problem: 'length', expected: 22, actual: 18 });
  });

  it('takes an IBAN of any registry country (SEPA or not), and refuses what is not an IBAN at all', () => {
    // Turkey uses IBANs but is outside SEPA: a payout by ISO 20022 credit transfer, not a SEPA one
    expect(ibanProblem('TR330006100519786457841326')).toBeNull();
    expect(isValidIban('TR330006100519786457841326')).toBe(true);
    expect(isSepaIban('TR330006100519786457841326')).toBe(false);
    expect(isSepaIban('DE89370400440532013000')).toBe(true);
    expect(IBAN_LENGTHS.TR).toBe(26);
    expect(ibanProblem('US12345678901234567890')).toEqual({ problem: 'country', country: 'US' });
    expect(ibanProblem('')).toEqual({ problem: 'shape' });
    expect(ibanProblem('8937040044053201300DE')).toEqual({ problem: 'shape' });
    expect(ibanProblem('DE89-3704-0044-0532-0130-00')).toEqual({ problem: 'shape' });
    expect(isValidIban(12345)).toBe(false);
    expect(isValidIban(null)).toBe(false);
  });

  it('knows the SEPA countries and their lengths', () => {
    expect(SEPA_IBAN_LENGTHS).toMatchObject({ DE: 22, GB: 22, FR: 27, NL: 18, NO: 15, MT: 31, CH: 21, GI: 23, RS: 22 });
    expect(Object.keys(SEPA_IBAN_LENGTHS)).toHaveLength(42);
    expect(SEPA_IBAN_LENGTHS.US).toBeUndefined();
    expect(isValidIban('CH9300762011623852957')).toBe(true);
  });

  it('normalizes to the electronic form and formats in groups of four', () => {
    expect(normalizeIban(' de89 3704\t0044 0532 0130 00 ')).toBe('DE89370400440532013000');
    expect(formatIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
    expect(formatIban('fr1420041010050500013m02606')).toBe('FR14 2004 1010 0505 0001 3M02 606');
    expect(formatIban('NL91 ABNA 0417 1643 00')).toBe('NL91 ABNA 0417 1643 00');
    expect(formatIban('GB82WEST12345698765432')).toBe('GB82 WEST 1234 5698 7654 32');
  });
});

describe('BIC', () => {
  it('accepts 8 and 11 characters of the ISO 9362 shape, in any case', () => {
    for (const value of ['DEUTDEFF', 'DEUTDEFF500', 'ABNANL2A', 'NWBKGB2L', 'BNPAFRPPXXX']) expect(isValidBic(value)).toBe(true);
    // as typed, once normalized (the bic() field does it)
    for (const value of ['deutdeff', ' DEUT DE FF ']) expect([isValidBic(value), isValidBic(normalizeBic(value))]).toEqual([false, true]);
  });

  it('refuses other lengths, a country code that is not letters, and punctuation', () => {
    for (const value of ['DEUTDEF', 'DEUTDEFF5', 'DEUTDEFF50', 'DEUTDEFF5000', 'DEUT12FF', 'DEUT-DEFF', 'DEUTDEFF_', '', 'ÄEUTDEFF'])
      expect(isValidBic(value)).toBe(false);
    expect(isValidBic(42)).toBe(false);
  });
});

describe('routing numbers', () => {
  it('re-exports the one ABA check of the NACHA file', () => {
    expect(isRoutingNumber).toBe(nachaRoutingCheck);
    expect(isRoutingNumber('021000021')).toBe(true);
    expect(isRoutingNumber('021000020')).toBe(false);
  });
});

describe('masking an account for display', () => {
  it('keeps an IBAN’s country, check digits and last four', () => {
    expect(maskAccount('DE89370400440532013000')).toBe('DE89 •••• •••• •••• 3000');
    expect(maskAccount('DE89 3704 0044 0532 0130 00')).toBe('DE89 •••• •••• •••• 3000');
    expect(maskAccount('GB82WEST12345698765432')).toBe('GB82 •••• •••• •••• 5432');
    expect(maskAccount('FR1420041010050500013M02606')).toBe('FR14 •••• •••• •••• 2606');
    // the same three groups for every country: the mask does not tell the length
    expect(maskAccount('NL91ABNA0417164300')).toBe('NL91 •••• •••• •••• 4300');
  });

  it('keeps only the last four of any other account number, and none of a short one', () => {
    expect(maskAccount('000123456789')).toBe('••••6789');
    expect(maskAccount('12345')).toBe('••••2345');
    expect(maskAccount('1234')).toBe('••••');
    expect(maskAccount('')).toBe('••••');
  });
});

describe('field schemas', () => {
  it('iban() gives the electronic form of what was typed', () => {
    expect(parse(iban('IBAN'), 'de89 3704 0044 0532 0130 00')).toEqual({ ok: true, value: 'DE89370400440532013000' });
    expect(parse(iban('Payout IBAN'), 'FR1420041010050500013M02606')).toEqual({ ok: true, value: 'FR1420041010050500013M02606' });
  });

  it('iban() says in words what is wrong, naming the field', () => {
    expect(parse(iban('IBAN'), 'DE89370400440532013001')).toEqual({ ok: false, message: 'IBAN is not valid: its check digits do not match' });
    expect(parse(iban('IBAN'), 'DE8937040044053201300')).toEqual({ ok: false, message: 'IBAN is not valid: a DE IBAN has 22 characters, this one has 21' });
    expect(parse(iban('IBAN'), 'US12345678901234567890')).toEqual({ ok: false, message: 'IBAN is not valid: US is not a country that uses IBANs' });
    expect(parse(iban('Payout IBAN'), '12345678')).toEqual({
      ok: false,
      message: 'Payout IBAN must start with a two-letter country code and two check digits, then letters and digits, e.g. DE89 3704 0044 0532 0130 00',
    });
    expect(parse(iban('IBAN'), '')).toEqual({ ok: false, message: 'IBAN is required' });
    expect(parse(iban('IBAN'), '   ')).toEqual({ ok: false, message: 'IBAN is required' });
    expect(parse(iban('IBAN'), undefined)).toEqual({ ok: false, message: 'IBAN is required' });
    expect(parse(iban('IBAN'), 42)).toEqual({ ok: false, message: 'IBAN must be an IBAN such as DE89 3704 0044 0532 0130 00' });
    expect(parse(iban('IBAN'), 'D'.repeat(100_000))).toEqual({ ok: false, message: 'IBAN is not valid: an IBAN has at most 34 letters and digits' });
  });

  it('bic() gives the upper-case code and names the field when it refuses', () => {
    expect(parse(bic('BIC'), 'deut de ff')).toEqual({ ok: true, value: 'DEUTDEFF' });
    expect(parse(bic('BIC'), 'DEUTDEFF500')).toEqual({ ok: true, value: 'DEUTDEFF500' });
    expect(parse(bic('BIC'), 'DEUTDEF')).toEqual({ ok: false, message: 'BIC must be 8 or 11 letters and digits, e.g. DEUTDEFF' });
    expect(parse(bic('BIC'), 'DEUT-DEFF')).toEqual({ ok: false, message: 'BIC must be 8 or 11 letters and digits, e.g. DEUTDEFF' });
    expect(parse(bic('BIC'), 'DEUT12FF')).toEqual({
      ok: false,
      message: 'BIC is not valid: its 5th and 6th characters must be a country code, e.g. DE in DEUTDEFF',
    });
    expect(parse(bic('Bank BIC'), '')).toEqual({ ok: false, message: 'Bank BIC is required' });
    expect(parse(bic('BIC'), 42)).toEqual({ ok: false, message: 'BIC must be 8 or 11 letters and digits, e.g. DEUTDEFF' });
  });

  it('are known by kind and label, as the other field schemas', () => {
    expect(fieldInfo(iban('IBAN'))).toEqual({ kind: 'iban', label: 'IBAN' });
    expect(fieldInfo(bic('BIC'))).toEqual({ kind: 'bic', label: 'BIC' });
  });
});

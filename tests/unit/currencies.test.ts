import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors';
import { ISO_CURRENCIES, MAX_MONEY_INTEGER_DIGITS, assertCurrency, isIsoCurrency, minorUnits, parseMoney, parseRate } from '../../lib/money';
import { agreementTermsSchema } from '../../lib/agreements/terms';
import { isCurrencyCode } from '../../lib/collections/bank-files/common';

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ISO 4217 currencies', () => {
  it('accepts the active codes of currencies that circulate', () => {
    for (const code of ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'KWD', 'BHD', 'XOF', 'XAF', 'XCD', 'CNY', 'INR']) expect(isIsoCurrency(code)).toBe(true);
    expect(ISO_CURRENCIES).toContain('USD');
    expect(ISO_CURRENCIES).toHaveLength(new Set(ISO_CURRENCIES).size);
    expect(ISO_CURRENCIES.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
  });

  it('refuses made-up codes, "no currency", testing codes, metals, funds and withdrawn codes', () => {
    for (const code of ['XXX', 'XTS', 'ABC', 'QQQ', 'XYZ', 'XAU', 'XAG', 'XDR', 'USN', 'CLF', 'HRK', 'VEF', 'usd', 'US', 'USDX', ''])
      expect(isIsoCurrency(code)).toBe(false);
    expect(isIsoCurrency(undefined)).toBe(false);
    expect(isIsoCurrency('constructor')).toBe(false);
    expect(isIsoCurrency('toString')).toBe(false);
  });

  it('knows each currency’s minor units', () => {
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('EUR')).toBe(2);
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('KRW')).toBe(0);
    expect(minorUnits('CLP')).toBe(0);
    expect(minorUnits('XOF')).toBe(0);
    expect(minorUnits('BHD')).toBe(3);
    expect(minorUnits('KWD')).toBe(3);
    expect(minorUnits('TND')).toBe(3);
    expect(minorUnits('OMR')).toBe(3);
    expect(minorUnits('IDR')).toBe(2);
  });

  it('assertCurrency is a 400 naming the field for anything else', () => {
    expect(assertCurrency('EUR')).toBe('EUR');
    const e = refusal(() => assertCurrency('XXX', 'currency'));
    expect(e).toMatchObject({ status: 400, code: 'invalid_currency', details: { currency: 'must be an ISO 4217 currency code such as USD' } });
    expect(e.message).toBe('currency "XXX" is not an ISO 4217 currency code (such as USD, EUR or JPY)');
    expect(refusal(() => assertCurrency('usd', 'receivedCurrency')).details).toEqual({ receivedCurrency: 'must be an ISO 4217 currency code such as USD' });
  });

  it('bank files and agreements check the same list', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('QQQ')).toBe(false);
    const terms = agreementTermsSchema.safeParse({ currencies: ['USD', 'ABC'] });
    expect(terms.success).toBe(false);
    expect(terms.error!.issues[0]).toMatchObject({ path: ['currencies', 1], message: 'Funding currencies must be ISO 4217 currency codes such as USD' });
    expect(agreementTermsSchema.parse({ currencies: ['USD', 'EUR'] }).currencies).toEqual(['USD', 'EUR']);
  });
});

describe('money amounts are bounded before they reach numeric(20,4)', () => {
  it('takes up to 15 digits before the point', () => {
    expect(MAX_MONEY_INTEGER_DIGITS).toBe(15);
    expect(parseMoney('999999999999999.99', 'USD').toString()).toBe('999999999999999.99');
  });

  it('refuses more with a 400 naming the field, not a database overflow', () => {
    const e = refusal(() => parseMoney('1000000000000000000000000000000', 'USD', { field: 'amount' }));
    expect(e).toMatchObject({ status: 400, code: 'too_large', details: { amount: 'at most 15 digits before the decimal point' } });
    expect(e.message).toBe('amount "1000000000000000000000000000000" is too large: at most 15 digits before the decimal point');
    expect(refusal(() => parseMoney('1000000000000000', 'JPY', { field: 'faceValue' })).details).toEqual({
      faceValue: 'at most 15 digits before the decimal point',
    });
    expect(refusal(() => parseMoney('-1000000000000000', 'USD', { field: 'amount', allowNegative: true })).code).toBe('too_large');
  });

  it('shortens a huge value in the message', () => {
    const e = refusal(() => parseMoney('9'.repeat(5000), 'USD', { field: 'amount' }));
    expect(e.message.length).toBeLessThan(150);
  });

  it('bounds rates to what a rate column holds', () => {
    expect(parseRate('0.80').toString()).toBe('0.8');
    expect(parseRate('12.5').toString()).toBe('12.5');
    expect(refusal(() => parseRate('100', 'advanceRate')).details).toEqual({ advanceRate: 'at most 2 digits before the decimal point' });
  });

  it('agreement terms refuse money and rates too large for their columns', () => {
    const big = agreementTermsSchema.safeParse({ creditLimit: '1000000000000000000000000000000' });
    expect(big.success).toBe(false);
    expect(big.error!.issues[0]).toMatchObject({ path: ['creditLimit'], message: 'Credit limit is too large: at most 15 digits before the decimal point' });
    const fee = agreementTermsSchema.safeParse({ fees: { kind: 'daily_rate', rate: '120000' } });
    expect(fee.success).toBe(false);
    expect(fee.error!.issues[0]!.path).toEqual(['fees', 'rate']);
    const abc = agreementTermsSchema.safeParse({ advanceRate: 'abc' });
    expect(abc.success).toBe(false);
    expect(abc.error!.issues[0]).toMatchObject({
      path: ['advanceRate'],
      message: 'Advance rate must be a plain decimal number such as "0.80" (digits and one point; no %, commas, exponent or letters)',
    });
    const over = agreementTermsSchema.safeParse({ advanceRate: '1.5' });
    expect(over.error!.issues[0]).toMatchObject({ path: ['advanceRate'], message: 'Advance rate must be between 0 and 1 (a fraction such as 0.80)' });
  });
});

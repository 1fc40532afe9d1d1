import { describe, expect, it } from 'vitest';
import { Big, displayMoney, formatMoney, formatRate, isRounded, minorUnits, moneyOut, parseDecimal, parseMoney, roundMoney } from '../../lib/money';

describe('money', () => {
  it('parses decimal strings exactly, never through a float', () => {
    expect(parseMoney('10000.00', 'USD').toString()).toBe('10000');
    expect(parseMoney('0.1', 'USD').plus(parseMoney('0.2', 'USD')).toString()).toBe('0.3');
    expect(parseMoney('123456789012345.67', 'USD').toString()).toBe('123456789012345.67');
  });

  it('rejects NaN, exponents, numbers and junk with a clear message', () => {
    expect(() => parseMoney('NaN', 'USD')).toThrow(/not a plain decimal/);
    expect(() => parseMoney('1e5', 'USD')).toThrow(/no exponent/);
    expect(() => parseMoney('Infinity', 'USD')).toThrow(/not a plain decimal/);
    expect(() => parseMoney('1,000.00', 'USD')).toThrow(/not a plain decimal/);
    expect(() => parseMoney('', 'USD')).toThrow(/not a plain decimal/);
    expect(() => parseMoney(100 as unknown, 'USD')).toThrow(/must be a decimal string/);
    expect(() => parseMoney('01.00', 'USD')).toThrow(/not a plain decimal/);
  });

  it('rejects more decimals than the currency allows', () => {
    expect(() => parseMoney('1.005', 'USD')).toThrow(/more than 2 decimal places/);
    expect(() => parseMoney('100.5', 'JPY')).toThrow(/more than 0 decimal places/);
    expect(parseMoney('1.005', 'BHD').toString()).toBe('1.005');
  });

  it('rejects negative amounts unless asked for', () => {
    expect(() => parseMoney('-5.00', 'USD', { field: 'faceValue' })).toThrow(/faceValue "-5.00" must not be negative/);
    expect(parseMoney('-5.00', 'USD', { allowNegative: true }).toString()).toBe('-5');
  });

  it('names the field in the error details', () => {
    try {
      parseDecimal('abc', { field: 'advanceRate' });
      expect.unreachable();
    } catch (error) {
      expect((error as { details: Record<string, string> }).details).toHaveProperty('advanceRate');
      expect((error as { status: number }).status).toBe(400);
    }
  });

  it('rounds half-up to the minor unit of the currency', () => {
    expect(formatMoney(roundMoney(new Big('2.345'), 'USD'), 'USD')).toBe('2.35');
    expect(formatMoney(roundMoney(new Big('2.344999'), 'USD'), 'USD')).toBe('2.34');
    expect(formatMoney(roundMoney(new Big('-2.345'), 'USD'), 'USD')).toBe('-2.35');
    expect(formatMoney(roundMoney(new Big('0.005'), 'USD'), 'USD')).toBe('0.01');
    expect(formatMoney(roundMoney(new Big('1234.5'), 'JPY'), 'JPY')).toBe('1235');
    expect(formatMoney(roundMoney(new Big('1.2345'), 'KWD'), 'KWD')).toBe('1.235');
  });

  it('knows the minor units of currencies and refuses codes that are not', () => {
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('BHD')).toBe(3);
    expect(() => minorUnits('usd')).toThrow(/three capital letters/);
  });

  it('formats for the API with the currency minor units', () => {
    expect(formatMoney(new Big('8000'), 'USD')).toBe('8000.00');
    expect(formatMoney(new Big('0'), 'USD')).toBe('0.00');
    expect(formatMoney(new Big('-0.5'), 'USD')).toBe('-0.50');
    expect(formatMoney(new Big('1e21'), 'USD')).toBe('1000000000000000000000.00');
    expect(formatMoney(new Big('0.0000001'), 'USD')).toBe('0.00');
    expect(moneyOut('8000.0000', 'USD')).toBe('8000.00');
    expect(moneyOut(null, 'EUR')).toBe('0.00');
  });

  it('formats for people with grouping and the currency', () => {
    expect(displayMoney('1234567.5', 'USD')).toBe('1,234,567.50 USD');
    expect(displayMoney(new Big('-900'), 'EUR')).toBe('-900.00 EUR');
  });

  it('formats rates with at least two decimals', () => {
    expect(formatRate(new Big('0.8'))).toBe('0.80');
    expect(formatRate(new Big('0.125'))).toBe('0.125');
    expect(formatRate(new Big('1'))).toBe('1.00');
  });

  it('tells rounded amounts from unrounded ones', () => {
    expect(isRounded(new Big('10.25'), 'USD')).toBe(true);
    expect(isRounded(new Big('10.255'), 'USD')).toBe(false);
  });
});

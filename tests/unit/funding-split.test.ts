import { describe, expect, it } from 'vitest';
import { agreementTermsSchema } from '../../lib/agreements/terms';
import { validateEntry } from '../../lib/ledger';
import { Big, formatMoney } from '../../lib/money';
import { fundingEntries, fundingSplit } from '../../lib/reserves/funding-split';

const usd = (b: Big) => formatMoney(b, 'USD');

describe('the funding split (SPEC 5.1)', () => {
  it('NAYA: 10,000 at 80% advances 8,000 and holds 2,000 (worked example 1)', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20' });
    const s = fundingSplit(new Big('10000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.reserve), usd(s.fees)]).toEqual(['8000.00', '2000.00', '0.00']);
  });

  it('NAYA with a 50.00 service fee taken from the advance: 7,950.00', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' });
    const s = fundingSplit(new Big('10000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.reserve), usd(s.fees)]).toEqual(['7950.00', '2000.00', '50.00']);
  });

  it('InstaPay: 1,000 at 90% with a flat 3% from the reserve: 900 / 30 / 70 (worked example 2)', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'reserve' } });
    const s = fundingSplit(new Big('1000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.flatFee), usd(s.reserve)]).toEqual(['900.00', '30.00', '70.00']);
  });

  it('a flat fee from the advance comes off the advance', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.10', fees: { kind: 'flat', rate: '0.03', deductFrom: 'advance' } });
    const s = fundingSplit(new Big('1000.00'), 'USD', terms);
    expect([usd(s.advance), usd(s.reserve), usd(s.fees)]).toEqual(['870.00', '100.00', '30.00']);
  });

  it('rounds each part half-up and the parts add back to the face value', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.85', reserveRate: '0.15', serviceFee: '12.34', fees: { kind: 'flat', rate: '0.0275', deductFrom: 'reserve' } });
    const face = new Big('1234.57');
    const s = fundingSplit(face, 'USD', terms);
    expect(usd(s.advance)).toBe('1037.04'); // 1049.3845 → 1049.38, less 12.34
    expect(usd(s.flatFee)).toBe('33.95'); // 33.950675 → 33.95
    expect(s.advance.plus(s.reserve).plus(s.fees).eq(face)).toBe(true);
  });

  it('refuses fees larger than the part they come from', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20', serviceFee: '900.00' });
    expect(() => fundingSplit(new Big('1000.00'), 'USD', terms)).toThrow(/exceed the advance/);
  });

  it('books the purchase and the disbursement as two balanced entries', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.80', reserveRate: '0.20', serviceFee: '50.00' });
    const split = fundingSplit(new Big('10000.00'), 'USD', terms);
    const entries = fundingEntries({ invoiceId: 7, invoiceNumber: 'A-1', clientId: 3, currency: 'USD', fundingDate: '2026-01-01', split });
    expect(entries.map((e) => e.kind)).toEqual(['funding', 'disbursement']);
    entries.forEach((e) => validateEntry(e));
    const purchase = entries[0]!.lines.map((l) => `${l.account} ${usd(l.amount)}`);
    expect(purchase).toEqual(['receivable 10000.00', 'client_payable -7950.00', 'reserve -2000.00', 'fee_income -50.00']);
    expect(entries[1]!.lines.map((l) => `${l.account} ${usd(l.amount)}`)).toEqual(['client_payable 7950.00', 'cash -7950.00']);
  });
});

describe('agreement terms', () => {
  it('takes the defaults of API.md', () => {
    const t = agreementTermsSchema.parse({});
    expect(t).toMatchObject({
      model: 'recourse',
      advanceRate: '0.80',
      reserveRate: '0.20',
      fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' },
      reservePolicy: { kind: 'per_invoice' },
      releaseSchedule: { cadence: 'biweekly' },
      recourseDays: 90,
      concentrationLimit: '1.00',
    });
  });

  it('refuses rates that do not add up and names the field', () => {
    const r = agreementTermsSchema.safeParse({ advanceRate: '0.80', reserveRate: '0.30' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['reserveRate']);
  });

  it('refuses a rate above 1 and an unknown fee kind', () => {
    expect(agreementTermsSchema.safeParse({ advanceRate: '1.2', reserveRate: '0' }).success).toBe(false);
    expect(agreementTermsSchema.safeParse({ fees: { kind: 'weekly' } }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { Big } from '../../lib/money';
import {
  availability,
  classifyPairs,
  daysInMonth,
  dso,
  invoiceCategory,
  isCrossAged,
  monthDilution,
  monthEnd,
  netFundsEmployed,
  type PairBalance,
} from '../../lib/reports/month-end/formulas';
import { parseMonthEndParams } from '../../lib/reports/month-end/params';

/** Issue 16 item 6: the month-end reports' rules on hand-worked cases. */
const pair = (clientId: string, debtorId: string, balance: string, pastDue = '0', disputed = '0', currency = 'USD'): PairBalance => ({
  clientId,
  debtorId,
  currency,
  invoices: 1,
  balance: new Big(balance),
  pastDue: new Big(pastDue),
  disputed: new Big(disputed),
});
const brief = (rows: ReturnType<typeof classifyPairs>) =>
  rows.map((r) => [r.clientId, r.debtorId, r.pastDue.toFixed(2), r.disputed.toFixed(2), r.crossAged.toFixed(2), r.overLimit.toFixed(2), r.eligible.toFixed(2)]);

describe('ineligible precedence', () => {
  it('an invoice past due is past due even when disputed; a disputed one not past due is disputed', () => {
    expect(invoiceCategory({ issueDate: '2026-01-01', disputed: true }, '2026-04-30', 90)).toBe('pastDue'); // 119 days
    expect(invoiceCategory({ issueDate: '2026-02-01', disputed: true }, '2026-04-30', 90)).toBe('disputed'); // 88 days
    expect(invoiceCategory({ issueDate: '2026-02-01', disputed: false }, '2026-04-30', 90)).toBeNull();
  });

  it('past due means more than N days from the invoice date: exactly N is not', () => {
    expect(invoiceCategory({ issueDate: '2026-01-30', disputed: false }, '2026-04-30', 90)).toBeNull(); // 90 days
    expect(invoiceCategory({ issueDate: '2026-01-29', disputed: false }, '2026-04-30', 90)).toBe('pastDue'); // 91
  });

  it('cross-aged takes what is neither past due nor disputed; over limit only what remains after', () => {
    // 6,000 of 10,000 past due (60% > 50%): the other 4,000 (1,000 disputed) — 3,000 cross-aged, nothing left for the limit
    const [r] = classifyPairs([pair('c1', 'd1', '10000', '6000', '1000')], new Map([['d1', new Big('100')]]), '50');
    expect(brief([r!])).toEqual([['c1', 'd1', '6000.00', '1000.00', '3000.00', '0.00', '0.00']]);
  });
});

describe('the cross-age rule', () => {
  it('applies above the percent, not at it', () => {
    expect(isCrossAged({ balance: new Big('1000'), pastDue: new Big('500') }, '50')).toBe(false);
    expect(isCrossAged({ balance: new Big('1000'), pastDue: new Big('500.01') }, '50')).toBe(true);
    expect(isCrossAged({ balance: new Big('0'), pastDue: new Big('0') }, '50')).toBe(false);
  });

  it('is decided per client–debtor pair: the same debtor with another client stays eligible', () => {
    const rows = classifyPairs([pair('c1', 'd1', '1000', '800'), pair('c2', 'd1', '1000', '100')], new Map(), '50');
    expect(brief(rows)).toEqual([
      ['c1', 'd1', '800.00', '0.00', '200.00', '0.00', '0.00'],
      ['c2', 'd1', '100.00', '0.00', '0.00', '0.00', '900.00'],
    ]);
  });
});

describe('over limit', () => {
  it('shares the debtor’s excess among its clients by their remaining balances, the cent of rounding on the largest', () => {
    // remaining 8,000 + 2,000 + 1,000 = 11,000 over a 5,000 limit: 6,000 excess
    // c2 6,000 × 2,000 / 11,000 = 1,090.909… → 1,090.91; c3 × 1,000 / 11,000 = 545.4545… → 545.45; c1 the rest 4,363.64
    const rows = classifyPairs([pair('c1', 'd2', '8000'), pair('c2', 'd2', '2000'), pair('c3', 'd2', '1000')], new Map([['d2', new Big('5000')]]), '50');
    expect(brief(rows).map((r) => [r[0], r[5], r[6]])).toEqual([
      ['c1', '4363.64', '3636.36'],
      ['c2', '1090.91', '909.09'],
      ['c3', '545.45', '454.55'],
    ]);
    expect(rows.reduce((s, r) => s.plus(r.overLimit), new Big(0)).toFixed(2)).toBe('6000.00');
  });

  it('compares each currency with the limit on its own; a debtor without a limit has none', () => {
    const rows = classifyPairs(
      [pair('c1', 'd1', '3000', '0', '0', 'USD'), pair('c1', 'd1', '3000', '0', '0', 'EUR'), pair('c1', 'd9', '9000')],
      new Map([['d1', new Big('2500')]]),
      '50',
    );
    expect(brief(rows).map((r) => r[5])).toEqual(['500.00', '500.00', '0.00']);
  });
});

describe('availability', () => {
  it('eligible × advance rate − funds employed', () => {
    const a = availability(new Big('5000'), '0.8', new Big('3000'), 'USD');
    expect([a.borrowingBase, a.available, a.overAdvanced].map((v) => v.toFixed(2))).toEqual(['4000.00', '1000.00', '0.00']);
  });

  it('never below zero: the shortfall is over-advanced', () => {
    const a = availability(new Big('5000'), '0.8', new Big('14102.67'), 'USD');
    expect([a.borrowingBase, a.available, a.overAdvanced].map((v) => v.toFixed(2))).toEqual(['4000.00', '0.00', '10102.67']);
  });

  it('rounds the borrowing base to the cent half up (and to the yen)', () => {
    expect(availability(new Big('1000.05'), '0.85', new Big('0'), 'USD').borrowingBase.toFixed(2)).toBe('850.04'); // 850.0425
    expect(availability(new Big('1001'), '0.85', new Big('0'), 'JPY').borrowingBase.toFixed(0)).toBe('851'); // 850.85
  });

  it('net funds employed = receivables + due from the client − reserve − payable to the client', () => {
    expect(
      netFundsEmployed({ receivable: new Big('18000'), clientDue: new Big('250'), reserve: new Big('3897.33'), clientPayable: new Big('100') }).toFixed(2),
    ).toBe('14252.67');
  });
});

describe('DSO and dilution', () => {
  it('DSO = receivables at month end ÷ credit sales × days, one decimal', () => {
    expect(dso(new Big('20000'), new Big('13000'), 30)).toBe('46.2'); // 46.15…
    expect(dso(new Big('16200'), new Big('1200'), 31)).toBe('418.5');
    expect(dso(new Big('5000'), new Big('0'), 31)).toBeNull();
  });

  it('months: days and last day, leap years too', () => {
    expect([daysInMonth('2026-02'), daysInMonth('2028-02'), daysInMonth('2026-04')]).toEqual([28, 29, 30]);
    expect(monthEnd('2028-02')).toBe('2028-02-29');
  });

  it('dilution is what was taken off receivables other than by cash, as a share of it (lib/debtors/figures.ts)', () => {
    expect(monthDilution('USD', new Big('5000'), new Big('1000'), new Big('0'))).toMatchObject({ dilutive: '4000.00', rate: '0.8000' });
    expect(monthDilution('USD', new Big('0'), new Big('0'), new Big('0'))).toBeNull();
  });
});

describe('the parameters', () => {
  it('defaults: today, the twelve months to this one, 90 days, 50%', () => {
    expect(parseMonthEndParams(new URLSearchParams(), '2026-11-30')).toMatchObject({
      asOf: '2026-11-30',
      from: '2025-12',
      to: '2026-11',
      pastDueDays: 90,
      crossAgePercent: '50',
      currency: null,
    });
  });

  it('a bad value is a 400 naming its field in plain words', () => {
    expect(() => parseMonthEndParams(new URLSearchParams({ asOf: '31/03/2026' }))).toThrow('As of must be a real date written YYYY-MM-DD');
    expect(() => parseMonthEndParams(new URLSearchParams({ crossAgePercent: '150' }))).toThrow('Cross-age percent must be between 1 and 100');
    expect(() => parseMonthEndParams(new URLSearchParams({ from: '2024-01', to: '2026-06' }))).toThrow('The period may be at most 24 months');
  });
});

import { describe, expect, it } from 'vitest';
import { averageDaysBeyondTerms, averageDaysToPay, dilutionByCurrency, headlineDilution, meanDays, type RollupRow } from '@/lib/debtors/figures';
import { idFromLabel } from '@/app/_components/client-picker';

const row = (over: Partial<RollupRow>): RollupRow => ({
  currency: 'USD',
  invoices: 0,
  openInvoices: 0,
  exposure: '0',
  settledInvoices: 0,
  settledDays: 0,
  settledDaysLate: 0,
  reduced: '0',
  collected: '0',
  defaultedFace: '0',
  defaultedCollected: '0',
  ...over,
});

describe('debtor figures (lib/debtors/figures.ts)', () => {
  it('averages days to one decimal, half up, and says nothing when there is nothing to average', () => {
    expect(meanDays(0, 0)).toBeNull();
    expect(meanDays(100, 3)).toBe('33.3');
    expect(meanDays(101, 2)).toBe('50.5');
    expect(meanDays(1, 8)).toBe('0.1'); // 0.125 → 0.1
    expect(meanDays(3, 8)).toBe('0.4'); // 0.375 → 0.4
  });

  it('days to pay: settled − issue over the settled invoices of every client and currency', () => {
    expect(averageDaysToPay([row({ settledInvoices: 2, settledDays: 70 }), row({ currency: 'EUR', settledInvoices: 1, settledDays: 20 })])).toBe('30.0');
    expect(averageDaysToPay([row({ openInvoices: 5 })])).toBeNull();
  });

  it('days beyond terms: settled invoices (late days, early counting 0) and open invoices past due on the day', () => {
    // two settled, 10 and 0 days late; three open past due, 5 + 6 + 7 days
    expect(averageDaysBeyondTerms([row({ settledInvoices: 2, settledDaysLate: 10 })], { invoices: 3, days: 18 })).toBe('5.6');
    expect(averageDaysBeyondTerms([], { invoices: 0, days: 0 })).toBeNull();
    expect(averageDaysBeyondTerms([], { invoices: 2, days: 9 })).toBe('4.5');
  });

  it('dilution: what was reduced without cash, as a share of everything reduced; defaults and currencies apart', () => {
    const figures = dilutionByCurrency(
      [
        // 10,000 paid 9,950 (short pay 50 accepted) and 1,000 credited 200, still open at 800
        row({ invoices: 2, reduced: '10200.00', collected: '9950.00' }),
        // another client, same currency: 5,000 paid in full; a 3,000 invoice charged back after 1,000 was paid
        row({ invoices: 2, reduced: '5000.00', collected: '6000.00', defaultedFace: '3000.00', defaultedCollected: '1000.00' }),
        row({ currency: 'EUR', invoices: 1, reduced: '0', collected: '0' }),
      ],
      new Map([['EUR', '120.00']]),
    );
    expect(figures).toEqual([
      { currency: 'EUR', invoices: 1, reduced: '0.00', collected: '0.00', dilutive: '0.00', rate: null, defaulted: '0.00', disputedOpen: '120.00' },
      {
        currency: 'USD',
        invoices: 4,
        reduced: '15200.00',
        collected: '14950.00',
        dilutive: '250.00',
        rate: '0.0164',
        defaulted: '2000.00',
        disputedOpen: '0.00',
      },
    ]);
    // The headline is the rate of the currency most invoices are in.
    expect(headlineDilution(figures)).toBe('0.0164');
    expect(headlineDilution([])).toBeNull();
  });

  it('a currency with nothing at all is left out', () => {
    expect(dilutionByCurrency([row({ currency: 'GBP', invoices: 3 })])).toEqual([]);
  });
});

describe('the client picker reads a client number from what was typed', () => {
  it('takes "#12", "12" and a suggestion "Acme (#12, USD)"; a name alone is no number', () => {
    expect(idFromLabel('#12')).toBe('12');
    expect(idFromLabel(' 12 ')).toBe('12');
    expect(idFromLabel('Acme Freight LLC (#4021, USD)')).toBe('4021');
    expect(idFromLabel('Acme (#7)')).toBe('7');
    expect(idFromLabel('Acme Freight')).toBeNull();
    expect(idFromLabel('#0')).toBeNull();
  });
});

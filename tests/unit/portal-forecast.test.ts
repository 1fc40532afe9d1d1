import { describe, expect, it } from 'vitest';
import { MIN_HISTORY, expectedPayment, forecastReserve, nextCycleOnOrAfter, type Cadence, type ForecastSource } from '@/lib/portal/forecast';

const biweekly: Cadence = { cadence: 'biweekly', anchorDate: '2026-01-02' };

describe('reserve forecast', () => {
  it('moves a date to the next cycle of the cadence', () => {
    expect(nextCycleOnOrAfter(biweekly, '2026-01-02')).toBe('2026-01-02');
    expect(nextCycleOnOrAfter(biweekly, '2026-01-03')).toBe('2026-01-16');
    expect(nextCycleOnOrAfter({ cadence: 'monthly', anchorDate: '2026-01-31' }, '2026-02-02')).toBe('2026-02-28');
    expect(nextCycleOnOrAfter({ cadence: 'weekly', anchorDate: '2026-03-02' }, '2026-01-01')).toBe('2026-03-02');
    expect(nextCycleOnOrAfter({ cadence: 'on_collection', anchorDate: '2026-01-02' }, '2026-05-05')).toBe('2026-05-05');
  });

  it('dates each source from due date, debtor lateness, holding period and cadence, and totals per month', () => {
    const result = forecastReserve(
      [
        {
          kind: 'invoice',
          label: 'Invoice A',
          currency: 'USD',
          held: '2000.0000',
          status: 'open',
          dueDate: '2026-02-10',
          debtorDaysLate: 12,
          debtorSettledInvoices: 6,
        },
        { kind: 'invoice', label: 'Invoice B', currency: 'USD', held: '70.00', status: 'settled', settledDate: '2026-01-20' },
        { kind: 'invoice', label: 'Invoice C', currency: 'USD', held: '500.00', status: 'open', dueDate: '2026-01-05', debtorDaysLate: null },
        { kind: 'invoice', label: 'Invoice D', currency: 'USD', held: '300.00', status: 'disputed', dueDate: '2026-01-05' },
        { kind: 'tranche', label: 'Tranche 2026-01', currency: 'EUR', held: '10000.00', status: 'tranche', maturesOn: '2026-06-30' },
        { kind: 'invoice', label: 'Invoice E', currency: 'USD', held: '0.00', status: 'open', dueDate: '2026-01-05' },
      ],
      { today: '2026-01-26', holdDays: 0, schedule: biweekly },
    );
    expect(result.items.map((i) => [i.label, i.expectedBack, i.held])).toEqual([
      ['Invoice B', '2026-01-30', '70.00'], // settled: the next cycle
      ['Invoice C', '2026-01-30', '500.00'], // overdue, no history: expected now
      ['Invoice A', '2026-02-27', '2000.00'], // due 02-10 + 12 days late = 02-22 → cycle 02-27
      ['Tranche 2026-01', '2026-07-03', '10000.00'],
      ['Invoice D', null, '300.00'],
    ]);
    expect(result.items.find((i) => i.label === 'Invoice A')!.why).toBe('due 2026-02-10; this debtor pays 12 days late on average');
    expect(result.items.find((i) => i.label === 'Invoice C')!.why).toBe('21 days past due on 2026-01-26; expected from today');
    expect(result.buckets).toEqual([
      { month: '2026-01', currency: 'USD', amount: '570.00' },
      { month: '2026-02', currency: 'USD', amount: '2000.00' },
      { month: '2026-07', currency: 'EUR', amount: '10000.00' },
    ]);
    expect(result.unscheduled).toEqual([{ currency: 'USD', amount: '300.00' }]);
  });

  it('adds the risk tier holding period after payment', () => {
    const { items } = forecastReserve([{ kind: 'invoice', label: 'Invoice B', currency: 'USD', held: '70.00', status: 'settled', settledDate: '2026-01-20' }], {
      today: '2026-01-26',
      holdDays: 60,
      schedule: biweekly,
    });
    // 2026-01-20 + 60 = 2026-03-21 → the cycle of 2026-03-27
    expect(items[0]).toMatchObject({ expectedBack: '2026-03-27', why: 'settled 2026-01-20, then a 60-day holding period' });
  });

  describe('when an open invoice is expected to be paid (issue 14: overdue from today, lateness only with history)', () => {
    // today 2026-11-30; biweekly cycles from 2026-01-02 fall on 2026-12-04, 12-18, 2027-01-01, 01-15
    const today = '2026-11-30';
    const open = (over: Partial<ForecastSource>): ForecastSource => ({
      kind: 'invoice',
      label: 'Invoice 1',
      currency: 'USD',
      held: '1000.00',
      status: 'open',
      ...over,
    });
    const forecastOne = (source: ForecastSource, holdDays: number) => forecastReserve([source], { today, holdDays, schedule: biweekly }).items[0];

    it('needs MIN_HISTORY settled invoices, 5', () => {
      expect(MIN_HISTORY).toBe(5);
    });

    it('expects an invoice 18 days past due from today, not from due − 23, when its early-paying debtor has one settled invoice', () => {
      const invoice = open({ dueDate: '2026-11-12', debtorDaysLate: -23, debtorSettledInvoices: 1 });
      expect(expectedPayment({ ...invoice, dueDate: '2026-11-12' }, today)).toEqual({
        date: '2026-11-30',
        why: '18 days past due on 2026-11-30; expected from today',
      });
      // today's next cycle
      expect(forecastOne(invoice, 0)).toMatchObject({ expectedBack: '2026-12-04', why: '18 days past due on 2026-11-30; expected from today' });
      // today + 30 = 2026-12-30 → the cycle of 2027-01-01 (from due − 23 it would have been 2026-11-19)
      expect(forecastOne(invoice, 30)).toMatchObject({
        expectedBack: '2027-01-01',
        why: '18 days past due on 2026-11-30; expected from today, then a 30-day holding period',
      });
    });

    it('never expects an overdue invoice before today, even when its debtor has enough history of paying early', () => {
      const invoice = open({ dueDate: '2026-11-12', debtorDaysLate: -23, debtorSettledInvoices: 6 });
      expect(expectedPayment({ ...invoice, dueDate: '2026-11-12' }, today)).toEqual({
        date: '2026-11-30',
        why: '18 days past due on 2026-11-30; expected from today',
      });
      expect(forecastOne(invoice, 30)).toMatchObject({ expectedBack: '2027-01-01' });
    });

    it("adds what is left of a late debtor's average to today: 10 days late on average, 4 days past due → today + 6", () => {
      const invoice = open({ dueDate: '2026-11-26', debtorDaysLate: 10, debtorSettledInvoices: 6 });
      expect(expectedPayment({ ...invoice, dueDate: '2026-11-26' }, today)).toEqual({
        date: '2026-12-06',
        why: '4 days past due on 2026-11-30; this debtor pays 10 days late on average: expected 6 days from today',
      });
      // 2026-12-06 + 30 = 2027-01-05 → the cycle of 2027-01-15
      expect(forecastOne(invoice, 30)).toMatchObject({
        expectedBack: '2027-01-15',
        why: '4 days past due on 2026-11-30; this debtor pays 10 days late on average: expected 6 days from today, then a 30-day holding period',
      });
      // already later than its average: from today
      expect(expectedPayment({ dueDate: '2026-11-12', debtorDaysLate: 10, debtorSettledInvoices: 6 }, today).date).toBe('2026-11-30');
    });

    it("moves an invoice not yet due earlier by an early debtor's average, but not before today", () => {
      // due 2026-12-20, 5 days early → 2026-12-15 → the cycle of 2026-12-18
      const invoice = open({ dueDate: '2026-12-20', debtorDaysLate: -5, debtorSettledInvoices: 6 });
      expect(expectedPayment({ ...invoice, dueDate: '2026-12-20' }, today)).toEqual({
        date: '2026-12-15',
        why: 'due 2026-12-20; this debtor pays 5 days early on average',
      });
      expect(forecastOne(invoice, 0)).toMatchObject({ expectedBack: '2026-12-18' });
      // due 2026-12-02, 5 days early would be 2026-11-27: today instead; + 5 days = 2026-12-05 → 2026-12-18 (not 2026-12-04)
      const soon = open({ dueDate: '2026-12-02', debtorDaysLate: -5, debtorSettledInvoices: 6 });
      expect(expectedPayment({ ...soon, dueDate: '2026-12-02' }, today).date).toBe('2026-11-30');
      expect(forecastOne(soon, 5)).toMatchObject({ expectedBack: '2026-12-18' });
    });

    it('ignores the average of a debtor with fewer than MIN_HISTORY settled invoices, and says so', () => {
      const thin = open({ dueDate: '2026-12-10', debtorDaysLate: 20, debtorSettledInvoices: 2 });
      expect(expectedPayment({ ...thin, dueDate: '2026-12-10' }, today)).toEqual({
        date: '2026-12-10',
        why: 'due 2026-12-10; too little payment history for this debtor to adjust (2 paid invoices)',
      });
      expect(forecastOne(thin, 0)).toMatchObject({ expectedBack: '2026-12-18' });
      expect(expectedPayment({ dueDate: '2026-12-10', debtorDaysLate: -20, debtorSettledInvoices: 1 }, today).why).toBe(
        'due 2026-12-10; too little payment history for this debtor to adjust (1 paid invoice)',
      );
      // overdue, thin history of paying late: today, not today + 26
      expect(expectedPayment({ dueDate: '2026-11-26', debtorDaysLate: 30, debtorSettledInvoices: MIN_HISTORY - 1 }, today)).toEqual({
        date: '2026-11-30',
        why: '4 days past due on 2026-11-30; expected from today',
      });
      // exactly MIN_HISTORY is enough
      expect(expectedPayment({ dueDate: '2026-12-10', debtorDaysLate: 20, debtorSettledInvoices: MIN_HISTORY }, today).date).toBe('2026-12-30');
      // no history at all
      expect(expectedPayment({ dueDate: '2026-12-10', debtorDaysLate: null, debtorSettledInvoices: null }, today)).toEqual({
        date: '2026-12-10',
        why: 'due 2026-12-10; no payment history for this debtor yet',
      });
    });
  });
});

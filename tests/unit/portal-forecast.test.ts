import { describe, expect, it } from 'vitest';
import { forecastReserve, nextCycleOnOrAfter, type Cadence } from '@/lib/portal/forecast';

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
        { kind: 'invoice', label: 'Invoice A', currency: 'USD', held: '2000.0000', status: 'open', dueDate: '2026-02-10', debtorDaysLate: 12 },
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
});

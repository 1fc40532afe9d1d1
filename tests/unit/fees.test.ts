import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreementTermsSchema, type FeeSchedule } from '../../lib/agreements/terms';
import { accrualDelta, accruedFee, fee, feeExact, settledFee, type Credit } from '../../lib/fees/schedule';
import { Big, formatMoney } from '../../lib/money';

const usd = (b: Big) => formatMoney(b, 'USD');
const face = new Big('10000.00');
const inputs = { face, advance: new Big('8000.00') };
const schedule = (fees: unknown) => agreementTermsSchema.parse({ fees, advanceRate: '0.80', reserveRate: '0.20' }).fees;

describe('fee schedules (SPEC 4)', () => {
  it('worked example 1: daily_rate 12% actual/360 on face, 10,000 for 30 days is 100.00', () => {
    const s = schedule({ kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' });
    expect(usd(fee(s, inputs, 30, 'USD'))).toBe('100.00');
    expect(usd(fee(s, inputs, 0, 'USD'))).toBe('0.00');
    expect(usd(fee(s, inputs, 1, 'USD'))).toBe('3.33');
  });

  it('tiered 3% for 30 days then 1% per started 10 days: 10,000 paid after 45 days is 500.00', () => {
    const s = schedule({ kind: 'tiered', initialRate: '0.03', initialDays: 30, stepRate: '0.01', stepDays: 10 });
    expect(usd(fee(s, inputs, 45, 'USD'))).toBe('500.00');
    expect(usd(fee(s, inputs, 0, 'USD'))).toBe('300.00');
    expect(usd(fee(s, inputs, 30, 'USD'))).toBe('300.00');
    expect(usd(fee(s, inputs, 31, 'USD'))).toBe('400.00');
    expect(usd(fee(s, inputs, 40, 'USD'))).toBe('400.00');
    expect(usd(fee(s, inputs, 41, 'USD'))).toBe('500.00');
  });

  it('daily_rate on outstanding: a 50% payment halfway lowers the base from its date on (hand-computed 75.00)', () => {
    const s = schedule({ kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'outstanding' });
    const credits: Credit[] = [{ day: 15, amount: new Big('5000.00') }];
    // days 0–14 on 10,000 and days 15–29 on 5,000: 0.12/360 × (10,000 × 15 + 5,000 × 15) = 75.00
    expect(usd(fee(s, { ...inputs, credits }, 30, 'USD'))).toBe('75.00');
    // on the payment day itself the base is already lower
    expect(feeExact(s, { ...inputs, credits }, 16).toString()).toBe(new Big(150000).plus(5000).times('0.12').div(360).toString());
  });

  it('daily_rate actual/365 on the advance', () => {
    const s = schedule({ kind: 'daily_rate', rate: '0.10', dayCount: 'actual/365', base: 'advance' });
    // 8,000 × 0.10 × 73 / 365 = 160.00
    expect(usd(fee(s, inputs, 73, 'USD'))).toBe('160.00');
  });

  it('flat fees are taken at funding, so nothing accrues for them', () => {
    const s = schedule({ kind: 'flat', rate: '0.03', deductFrom: 'reserve' });
    expect(usd(fee(s, inputs, 90, 'USD'))).toBe('300.00');
    expect(usd(accruedFee(s, inputs, 90, 'USD'))).toBe('0.00');
  });

  it('keeps an exact half cent exact (the division comes last) and rounds it up', () => {
    const s = schedule({ kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' });
    // 15.00 × 0.12 / 360 = 0.005 exactly → 0.01
    expect(formatMoney(fee(s, { face: new Big('15.00'), advance: ZERO() }, 1, 'USD'), 'USD')).toBe('0.01');
  });

  it('rounds half-up to the currency minor unit', () => {
    const s = schedule({ kind: 'daily_rate', rate: '0.18', dayCount: 'actual/360', base: 'face' });
    // 1,000.10 × 0.18 / 360 = 0.50005 → 0.50
    expect(formatMoney(fee(s, { face: new Big('1000.10'), advance: ZERO() }, 1, 'USD'), 'USD')).toBe('0.50');
    // 1,001 × 0.18 / 360 = 0.5005 → 0.50; 1,010 → 0.505 → 0.51
    expect(formatMoney(fee(s, { face: new Big('1010'), advance: ZERO() }, 1, 'USD'), 'USD')).toBe('0.51');
    expect(formatMoney(fee(s, { face: new Big('1000000'), advance: ZERO() }, 1, 'JPY'), 'JPY')).toBe('500');
  });

  it('freezes at settlement and raises the fee to the minimum', () => {
    const s = schedule({ kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' });
    expect(settledFee(s, inputs, 30, 'USD', new Big('0'))).toEqual({ total: new Big('100'), receivable: new Big('100'), minimumTopUp: new Big('0') });
    const raised = settledFee(s, inputs, 3, 'USD', new Big('50.00'));
    expect([usd(raised.total), usd(raised.receivable), usd(raised.minimumTopUp)]).toEqual(['50.00', '50.00', '40.00']);
    const flat = settledFee(schedule({ kind: 'flat', rate: '0.03', deductFrom: 'reserve' }), inputs, 10, 'USD', new Big('350.00'));
    expect([usd(flat.total), usd(flat.receivable), usd(flat.minimumTopUp)]).toEqual(['350.00', '50.00', '50.00']);
  });
});

function ZERO() {
  return new Big(0);
}

const arbSchedule: fc.Arbitrary<FeeSchedule> = fc.oneof(
  fc.record({
    kind: fc.constant('daily_rate' as const),
    rate: fc.integer({ min: 1, max: 500_000 }).map((n) => new Big(n).div(1_000_000).toString()),
    dayCount: fc.constantFrom('actual/360' as const, 'actual/365' as const),
    base: fc.constantFrom('face' as const, 'advance' as const, 'outstanding' as const),
  }),
  fc.record({
    kind: fc.constant('tiered' as const),
    initialRate: fc.integer({ min: 0, max: 10_000 }).map((n) => new Big(n).div(100_000).toString()),
    initialDays: fc.integer({ min: 1, max: 90 }),
    stepRate: fc.integer({ min: 0, max: 5_000 }).map((n) => new Big(n).div(100_000).toString()),
    stepDays: fc.integer({ min: 1, max: 30 }),
  }),
);
const arbCents = (min: number, max: number) => fc.integer({ min, max }).map((n) => new Big(n).div(100));

describe('daily postings never drift from the formula (property)', () => {
  it('for any schedule, face and date range, the sum of daily postings equals the rounded fee', () => {
    fc.assert(
      fc.property(
        arbSchedule,
        arbCents(1, 500_000_000),
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 50 })), { maxLength: 4 }),
        (s, faceValue, days, payments) => {
          // partial payments of up to half the face in total, on random days
          const credits = payments.map(([day, pct]) => ({
            day,
            amount: faceValue
              .times(pct)
              .div(100 * Math.max(1, payments.length * 2))
              .round(2, Big.roundDown),
          }));
          const inv = { face: faceValue, advance: faceValue.times('0.8').round(2, Big.roundHalfUp), credits };
          let posted = new Big(0);
          for (let d = 0; d <= days; d += 1) {
            const delta = accrualDelta(s, inv, d, 'USD', posted);
            expect(delta.eq(delta.round(2))).toBe(true); // every posting is whole cents
            posted = posted.plus(delta);
          }
          expect(posted.eq(fee(s, inv, days, 'USD'))).toBe(true);
          expect(posted.eq(feeExact(s, inv, days).round(2, Big.roundHalfUp))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    // 300 runs of up to 400 days in Big arithmetic: the run count is the bound, not vitest's 5 s
    // default (timed out on a loaded 2-core machine)
  }, 60_000);

  it('catching up several days at once posts what daily runs would have posted in total', () => {
    fc.assert(
      fc.property(arbSchedule, arbCents(1, 100_000_000), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 30 }), (s, faceValue, start, gap) => {
        const inv = { face: faceValue, advance: faceValue };
        let daily = accruedFee(s, inv, start, 'USD');
        for (let d = start + 1; d <= start + gap; d += 1) daily = daily.plus(accrualDelta(s, inv, d, 'USD', daily));
        const jump = accruedFee(s, inv, start, 'USD').plus(accrualDelta(s, inv, start + gap, 'USD', accruedFee(s, inv, start, 'USD')));
        expect(jump.eq(daily)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

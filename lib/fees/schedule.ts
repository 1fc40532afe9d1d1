import type { FeeSchedule } from '../agreements/terms';
import { Big, ZERO, minorUnits } from '../money';

/**
 * SPEC 4: the fee to date of an invoice `d` calendar days after its funding date, for each kind
 * of schedule, as pure functions. The accrual posts round(fee(d)) minus what was posted before,
 * so the postings always sum to the rounded formula (no drift).
 */

/** A receivable credit (a payment, a credit note): lowers an `outstanding` base from its date on. */
export interface Credit {
  /** days after the funding date (0 = the funding date itself) */
  day: number;
  amount: Big;
}

export interface FeeInputs {
  face: Big;
  /** the advance paid to the client (the `advance` base) */
  advance: Big;
  /** receivable credits, for the `outstanding` base */
  credits?: readonly Credit[];
}

export function daysInYear(dayCount: 'actual/360' | 'actual/365'): number {
  return dayCount === 'actual/360' ? 360 : 365;
}

/**
 * The exact (unrounded) fee after `d` days.
 * - flat: rate × face, taken at funding (it does not accrue);
 * - tiered: initialRate × face while d ≤ initialDays, plus stepRate × face per started stepDays after;
 * - daily_rate: the sum over days 0 … d−1 of base × rate / days-in-year, where an `outstanding`
 *   base is face less every credit dated on or before that day.
 */
export function feeExact(schedule: FeeSchedule, inputs: FeeInputs, d: number): Big {
  if (d < 0) return ZERO;
  switch (schedule.kind) {
    case 'flat':
      return inputs.face.times(schedule.rate);
    case 'tiered': {
      const initial = inputs.face.times(schedule.initialRate);
      if (d <= schedule.initialDays) return initial;
      const steps = Math.ceil((d - schedule.initialDays) / schedule.stepDays);
      return initial.plus(inputs.face.times(schedule.stepRate).times(steps));
    }
    case 'daily_rate': {
      // One division, last, so an exact half-cent stays exact (SQL computes it the same way).
      const year = daysInYear(schedule.dayCount);
      if (schedule.base !== 'outstanding') {
        const base = schedule.base === 'face' ? inputs.face : inputs.advance;
        return base.times(d).times(schedule.rate).div(year);
      }
      // Σ_k<d outstanding_k = face × d − Σ credits × (d − creditDay)⁺
      let dayWeighted = inputs.face.times(d);
      for (const c of inputs.credits ?? []) if (c.day < d) dayWeighted = dayWeighted.minus(c.amount.times(d - c.day));
      return dayWeighted.times(schedule.rate).div(year);
    }
  }
}

/** fee(d) as posted: rounded half-up to the currency's minor unit. */
export function fee(schedule: FeeSchedule, inputs: FeeInputs, d: number, currency: string): Big {
  return feeExact(schedule, inputs, d).round(minorUnits(currency), Big.roundHalfUp);
}

/**
 * What accrues through the fees_receivable account (flat fees are taken at funding, into income
 * directly, so they never accrue).
 */
export function accruedFee(schedule: FeeSchedule, inputs: FeeInputs, d: number, currency: string): Big {
  return schedule.kind === 'flat' ? ZERO : fee(schedule, inputs, d, currency);
}

/** The accrual posting for day d: the rounded fee to date less what was posted before. */
export function accrualDelta(schedule: FeeSchedule, inputs: FeeInputs, d: number, currency: string, postedSoFar: Big): Big {
  return accruedFee(schedule, inputs, d, currency).minus(postedSoFar);
}

/**
 * The fee of an invoice settled d days after funding (SPEC 4): frozen at fee(d), raised to the
 * agreement's minimum fee. Returns what the fees_receivable account must hold for it in the end
 * (the flat fee, taken at funding, counts toward the minimum but is not receivable).
 */
export function settledFee(
  schedule: FeeSchedule,
  inputs: FeeInputs,
  d: number,
  currency: string,
  minimumFee: Big,
): { total: Big; receivable: Big; minimumTopUp: Big } {
  const scheduleFee = fee(schedule, inputs, d, currency);
  const floor = minimumFee.round(minorUnits(currency), Big.roundHalfUp);
  const total = scheduleFee.gt(floor) ? scheduleFee : floor;
  const takenAtFunding = schedule.kind === 'flat' ? scheduleFee : ZERO;
  const accrued = accruedFee(schedule, inputs, d, currency);
  const receivable = total.minus(takenAtFunding);
  return { total, receivable, minimumTopUp: receivable.minus(accrued) };
}

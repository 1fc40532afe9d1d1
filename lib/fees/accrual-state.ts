import type { AgreementTerms } from '../agreements/terms';
import { daysInYear } from './schedule';

/** An agreement's fee schedule as the columns of fee_accruals (one row per funded invoice). */
export function feeColumns(terms: Pick<AgreementTerms, 'fees'>): {
  kind: 'flat' | 'tiered' | 'daily_rate';
  rate: string;
  daysInYear: number | null;
  base: 'face' | 'advance' | 'outstanding' | null;
  initialDays: number | null;
  stepRate: string | null;
  stepDays: number | null;
} {
  const f = terms.fees;
  switch (f.kind) {
    case 'flat':
      return { kind: 'flat', rate: f.rate, daysInYear: null, base: null, initialDays: null, stepRate: null, stepDays: null };
    case 'tiered':
      return { kind: 'tiered', rate: f.initialRate, daysInYear: null, base: null, initialDays: f.initialDays, stepRate: f.stepRate, stepDays: f.stepDays };
    case 'daily_rate':
      return { kind: 'daily_rate', rate: f.rate, daysInYear: daysInYear(f.dayCount), base: f.base, initialDays: null, stepRate: null, stepDays: null };
  }
}

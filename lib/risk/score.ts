import { z } from 'zod';
import { DomainError } from '../errors';
import { Big } from '../money';
// type only: releasable.ts reaches server modules, and this module is read by client components too
import type { RiskTier } from '../releases/releasable';
import { boolean, days, rate } from '../validation/fields';

/**
 * Issue 16 item 1, "measured risk": a client's risk score from its own history. Pure: the
 * risk-scores job (lib/risk/run.ts) gathers the inputs set-based and stores what this answers.
 *
 * Each part is a risk 0–100 (higher = riskier): the measured value as a share of its ceiling —
 * the value at which the part is at its worst — capped at 100:
 *
 *   part = min(100, value ÷ ceiling × 100)                 (2 places, half-up)
 *
 *   dilution          (face − collected) ÷ face of the invoices settled in the window
 *   daysBeyondTerms   average days past due of the invoices settled in the window (paid on:
 *                     settled date − due date) and those open on the day (day − due date); on time counts 0
 *   disputes          disputes opened in the window ÷ invoices active in the window
 *   chargebacks       invoices charged back in the window ÷ invoices active in the window
 *   concentration     the largest debtor's share of the open receivables on the day
 *   trend             this window's dilution − the previous window's (a rise; a fall counts 0)
 *
 * The score is a health score on the scale of the reserve schedule (SPEC 5.4, seeds 004: 90–100
 * is the best tier): 100 − Σ weightᵢ × partᵢ, rounded half-up to a whole number. Its band is the
 * schedule's tier that holds it. Weights (summing to 1) and ceilings are settings
 * (`risk.scoring`); the bands are the risk schedule's tiers (`reserve.risk_schedule`).
 */

export const RISK_PARTS = ['dilution', 'daysBeyondTerms', 'disputes', 'chargebacks', 'concentration', 'trend'] as const;
export type RiskPart = (typeof RISK_PARTS)[number];

/** Each part's name for people (the client page, the settings form, emails). */
export const RISK_PART_LABELS: Record<RiskPart, string> = {
  dilution: 'Dilution',
  daysBeyondTerms: 'Days beyond terms',
  disputes: 'Dispute rate',
  chargebacks: 'Charge-back rate',
  concentration: 'Largest debtor share',
  trend: 'Trend (dilution rise)',
};

/** The formula's settings (`risk.scoring`): decimal strings, as stored. */
export interface RiskScoring {
  /** days back from the score's date that the window covers (the previous window is as long) */
  lookbackDays: number;
  /** each part's weight, fractions summing to 1 */
  weights: Record<RiskPart, string>;
  /** the measured value at which each part is 100 (days for daysBeyondTerms, fractions otherwise) */
  ceilings: Record<RiskPart, string>;
  /** a change of band is applied at once, without an approver (default off: proposed) */
  autoApply: boolean;
}

export const DEFAULT_RISK_SCORING: RiskScoring = {
  lookbackDays: 180,
  weights: { dilution: '0.25', daysBeyondTerms: '0.2', disputes: '0.15', chargebacks: '0.2', concentration: '0.1', trend: '0.1' },
  ceilings: { dilution: '0.1', daysBeyondTerms: '60', disputes: '0.1', chargebacks: '0.05', concentration: '1', trend: '0.05' },
  autoApply: false,
};

/** What the job measures for one client over the window (money as decimal strings, counts whole). */
export interface RiskInputs {
  /** face and collected cash of the invoices settled in the window */
  settledFace: string;
  settledCollected: string;
  /** the same for the window before it (the trend) */
  previousSettledFace: string;
  previousSettledCollected: string;
  /** invoices settled in the window or open on the day, and their days past the due date summed (on time: 0) */
  invoicesJudged: number;
  daysLateTotal: number;
  /** invoices funded by the day and not closed before the window began */
  activeCount: number;
  disputesOpened: number;
  chargebacks: number;
  /** open receivables on the day, and the largest debtor's part of them */
  openTotal: string;
  largestDebtorOpen: string;
}

export interface RiskScoreResult {
  /** 0–100, higher is healthier (the reserve schedule's scale) */
  score: number;
  /** each part 0–100 (higher is riskier), 2 places */
  parts: Record<RiskPart, string>;
  /** the measured values behind the parts (fractions, days) */
  measures: Record<RiskPart, string>;
}

const HUNDRED = new Big(100);

/** a ÷ b, or 0 when b is 0 (nothing measured: no risk shown). */
function ratio(a: Big, b: Big): Big {
  return b.eq(0) ? new Big(0) : a.div(b);
}

function part(value: Big, ceiling: string): Big {
  const c = new Big(ceiling);
  if (c.lte(0) || value.lte(0)) return new Big(0);
  const p = value.div(c).times(HUNDRED);
  return (p.gt(HUNDRED) ? HUNDRED : p).round(2, Big.roundHalfUp);
}

function dilution(face: string, collected: string): Big {
  const f = new Big(face);
  const d = ratio(f.minus(collected), f);
  return d.lt(0) ? new Big(0) : d;
}

/** The measured values (6 places), each part and the score. Deterministic: Big arithmetic only. */
export function riskScore(inputs: RiskInputs, scoring: RiskScoring = DEFAULT_RISK_SCORING): RiskScoreResult {
  const now = dilution(inputs.settledFace, inputs.settledCollected);
  const before = dilution(inputs.previousSettledFace, inputs.previousSettledCollected);
  const rise = now.minus(before);
  const measures: Record<RiskPart, Big> = {
    dilution: now,
    daysBeyondTerms: ratio(new Big(inputs.daysLateTotal), new Big(inputs.invoicesJudged)),
    disputes: ratio(new Big(inputs.disputesOpened), new Big(inputs.activeCount)),
    chargebacks: ratio(new Big(inputs.chargebacks), new Big(inputs.activeCount)),
    concentration: ratio(new Big(inputs.largestDebtorOpen), new Big(inputs.openTotal)),
    trend: rise.lt(0) ? new Big(0) : rise,
  };
  let risk = new Big(0);
  const parts = {} as Record<RiskPart, string>;
  const shown = {} as Record<RiskPart, string>;
  for (const p of RISK_PARTS) {
    const value = part(measures[p], scoring.ceilings[p]);
    parts[p] = value.toFixed(2);
    shown[p] = measures[p].round(6, Big.roundHalfUp).toString();
    risk = risk.plus(value.times(scoring.weights[p]));
  }
  const score = HUNDRED.minus(risk).round(0, Big.roundHalfUp);
  const clamped = score.lt(0) ? 0 : score.gt(100) ? 100 : Number(score.toFixed(0));
  return { score: clamped, parts, measures: shown };
}

/** A tier's name as people read it: "60–69". */
export function bandName(tier: Pick<RiskTier, 'minScore' | 'maxScore'> | null): string | null {
  return tier ? `${tier.minScore}–${tier.maxScore}` : null;
}

/** The band (the schedule's tier) of a score, named. */
export function bandOf(schedule: readonly RiskTier[], score: number | null | undefined): string | null {
  if (score === null || score === undefined) return null;
  return bandName(schedule.find((t) => score >= t.minScore && score <= t.maxScore) ?? null);
}

const partsOf = <T extends z.ZodType>(make: (p: RiskPart) => T) => z.object(Object.fromEntries(RISK_PARTS.map((p) => [p, make(p)])) as Record<RiskPart, T>);

const scoringSchema = z.object({
  lookbackDays: days('Lookback window', { min: 7, max: 1825 }),
  weights: partsOf((p) => rate(`${RISK_PART_LABELS[p]} weight`, { min: '0', max: '1' })),
  ceilings: z.object({
    dilution: rate('Dilution ceiling', { min: '0.0001', max: '1' }),
    daysBeyondTerms: days('Days beyond terms ceiling', { min: 1, max: 3650 }),
    disputes: rate('Dispute rate ceiling', { min: '0.0001', max: '1' }),
    chargebacks: rate('Charge-back rate ceiling', { min: '0.0001', max: '1' }),
    concentration: rate('Largest debtor share ceiling', { min: '0.0001', max: '1' }),
    trend: rate('Trend ceiling', { min: '0.0001', max: '1' }),
  }),
  autoApply: boolean('Apply band changes automatically'),
});

/**
 * Validates the formula's settings: every field present and in range, the weights summing to 1.
 * Errors name the field's label; `details` are keyed by path (`weights.dilution`, `_` for the sum).
 */
export function validateRiskScoring(input: unknown): RiskScoring {
  const parsed = scoringSchema.safeParse(input);
  if (!parsed.success) {
    const details: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '_';
      if (!(key in details)) details[key] = issue.message;
    }
    throw new DomainError('invalid_input', `Please correct: ${Object.values(details).join('; ')}`, { status: 400, details });
  }
  const d = parsed.data;
  const weights = Object.fromEntries(RISK_PARTS.map((p) => [p, new Big(d.weights[p]).toString()])) as Record<RiskPart, string>;
  const sum = RISK_PARTS.reduce((s, p) => s.plus(weights[p]), new Big(0));
  if (!sum.eq(1)) {
    const message = `The weights must add up to 1 (100%); they make ${sum.toString()}`;
    throw new DomainError('invalid_input', message, { status: 400, details: { _: message } });
  }
  const ceilings = Object.fromEntries(RISK_PARTS.map((p) => [p, new Big(String(d.ceilings[p])).toString()])) as Record<RiskPart, string>;
  return { lookbackDays: d.lookbackDays, weights, ceilings, autoApply: d.autoApply };
}

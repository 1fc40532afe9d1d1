import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_SCHEDULE } from '@/lib/releases/releasable';
import { DEFAULT_RISK_SCORING, bandOf, riskScore, validateRiskScoring, type RiskInputs } from '@/lib/risk/score';

const clean: RiskInputs = {
  settledFace: '0',
  settledCollected: '0',
  previousSettledFace: '0',
  previousSettledCollected: '0',
  invoicesJudged: 0,
  daysLateTotal: 0,
  activeCount: 0,
  disputesOpened: 0,
  chargebacks: 0,
  openTotal: '0',
  largestDebtorOpen: '0',
};

describe('risk score (issue 16 item 1)', () => {
  it('scores a client with no history 100, in the best band', () => {
    const r = riskScore(clean);
    expect(r.score).toBe(100);
    expect(Object.values(r.parts)).toEqual(['0.00', '0.00', '0.00', '0.00', '0.00', '0.00']);
    expect(bandOf(DEFAULT_RISK_SCHEDULE, r.score)).toBe('90–100');
  });

  it('works the README example to the point', () => {
    // dilution      (100,000 − 97,000) ÷ 100,000 = 0.03  → 0.03 ÷ 0.10 = 30
    // days beyond   120 days over 8 invoices = 15        → 15 ÷ 60     = 25
    // disputes      2 ÷ 40 = 0.05                         → 0.05 ÷ 0.10 = 50
    // charge-backs  1 ÷ 40 = 0.025                        → 0.025 ÷ 0.05 = 50
    // concentration 70,000 ÷ 200,000 = 0.35               → 0.35 ÷ 1    = 35
    // trend         0.03 − (50,000 − 49,000) ÷ 50,000 = 0.01 → 0.01 ÷ 0.05 = 20
    // risk = 0.25×30 + 0.20×25 + 0.15×50 + 0.20×50 + 0.10×35 + 0.10×20
    //      = 7.5 + 5 + 7.5 + 10 + 3.5 + 2 = 35.5;  score = 100 − 35.5 = 64.5 → 65 (half-up)
    const r = riskScore({
      settledFace: '100000.00',
      settledCollected: '97000.00',
      previousSettledFace: '50000.00',
      previousSettledCollected: '49000.00',
      invoicesJudged: 8,
      daysLateTotal: 120,
      activeCount: 40,
      disputesOpened: 2,
      chargebacks: 1,
      openTotal: '200000.00',
      largestDebtorOpen: '70000.00',
    });
    expect(r.measures).toEqual({ dilution: '0.03', daysBeyondTerms: '15', disputes: '0.05', chargebacks: '0.025', concentration: '0.35', trend: '0.01' });
    expect(r.parts).toEqual({ dilution: '30.00', daysBeyondTerms: '25.00', disputes: '50.00', chargebacks: '50.00', concentration: '35.00', trend: '20.00' });
    expect(r.score).toBe(65);
    expect(bandOf(DEFAULT_RISK_SCHEDULE, r.score)).toBe('60–69');
  });

  it('caps each part at 100 and never scores below 0', () => {
    // every part past its ceiling: risk = 100 × (sum of weights = 1) = 100 → score 0
    const r = riskScore({
      ...clean,
      settledFace: '1000.00',
      settledCollected: '0',
      invoicesJudged: 1,
      daysLateTotal: 400,
      activeCount: 2,
      disputesOpened: 2,
      chargebacks: 2,
      openTotal: '500.00',
      largestDebtorOpen: '500.00',
    });
    expect(r.parts).toEqual({
      dilution: '100.00',
      daysBeyondTerms: '100.00',
      disputes: '100.00',
      chargebacks: '100.00',
      concentration: '100.00',
      trend: '100.00',
    });
    expect(r.score).toBe(0);
    expect(bandOf(DEFAULT_RISK_SCHEDULE, r.score)).toBe('0–59');
  });

  it('counts a falling dilution as no trend, and collections above face as no dilution', () => {
    const r = riskScore({ ...clean, settledFace: '1000.00', settledCollected: '1010.00', previousSettledFace: '1000.00', previousSettledCollected: '900.00' });
    expect(r.measures.dilution).toBe('0');
    expect(r.parts.trend).toBe('0.00');
    expect(r.score).toBe(100);
  });

  it('rounds thirds to 2 places in the parts and half-up in the score', () => {
    // disputes 1 ÷ 3 = 0.333333… → ÷ 0.10 = 333% → capped 100; charge-backs 0 ÷ 3.
    // days 10 ÷ 3 = 3.333… → ÷ 60 × 100 = 5.555… → 5.56; risk = 0.15×100 + 0.20×5.56 = 16.112 → 83.888 → 84
    const r = riskScore({ ...clean, activeCount: 3, disputesOpened: 1, invoicesJudged: 3, daysLateTotal: 10 });
    expect(r.measures.disputes).toBe('0.333333');
    expect(r.parts.daysBeyondTerms).toBe('5.56');
    expect(r.score).toBe(84);
    expect(bandOf(DEFAULT_RISK_SCHEDULE, r.score)).toBe('80–89');
  });

  it('uses the weights and ceilings it is given', () => {
    // only charge-backs count: 1 ÷ 10 = 0.10 against a ceiling of 0.20 → 50 → score 50
    const weights = { dilution: '0', daysBeyondTerms: '0', disputes: '0', chargebacks: '1', concentration: '0', trend: '0' };
    const r = riskScore(
      { ...clean, activeCount: 10, chargebacks: 1 },
      { ...DEFAULT_RISK_SCORING, weights, ceilings: { ...DEFAULT_RISK_SCORING.ceilings, chargebacks: '0.20' } },
    );
    expect(r.score).toBe(50);
  });
});

describe('risk scoring settings', () => {
  it('accepts the defaults', () => {
    expect(validateRiskScoring(DEFAULT_RISK_SCORING)).toEqual(DEFAULT_RISK_SCORING);
  });

  it('refuses weights that do not add up to 1, saying what they make', () => {
    const weights = { ...DEFAULT_RISK_SCORING.weights, trend: '0.20' };
    expect(() => validateRiskScoring({ ...DEFAULT_RISK_SCORING, weights })).toThrow('The weights must add up to 1 (100%); they make 1.1');
  });

  it('names the field of a bad value', () => {
    try {
      validateRiskScoring({ ...DEFAULT_RISK_SCORING, lookbackDays: 3, ceilings: { ...DEFAULT_RISK_SCORING.ceilings, dilution: 'x' } });
      expect.unreachable();
    } catch (e) {
      const details = (e as { details: Record<string, string> }).details;
      expect(details.lookbackDays).toMatch(/Lookback window must be between 7 and 1825 days/);
      expect(details['ceilings.dilution']).toMatch(/Dilution ceiling/);
    }
  });
});

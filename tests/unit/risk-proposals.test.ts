import { describe, expect, it } from 'vitest';
import { agreementTermsSchema } from '@/lib/agreements/terms';
import { termsForTier } from '@/lib/risk/proposals';

const tier = (rate: string, holdDays: number) => ({ minScore: 60, maxScore: 69, rate, holdDays, release: 'review' as const });

describe('the terms a band change proposes (issue 16 item 1)', () => {
  it('sets the score and the tier’s reserve rate, the advance taking the difference', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.95', reserveRate: '0.05', riskScore: 95 });
    const next = termsForTier(terms, tier('0.20', 180), 67);
    expect(next).toMatchObject({ riskScore: 67, advanceRate: '0.80', reserveRate: '0.20', reservePolicy: { kind: 'per_invoice' } });
    expect(agreementTermsSchema.safeParse(next).success).toBe(true);
  });

  it('keeps a flat fee out of the sum (advance + reserve = 1 − flat fee)', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.07', fees: { kind: 'flat', rate: '0.03' } });
    const next = termsForTier(terms, tier('0.15', 90), 72);
    expect(next).toMatchObject({ advanceRate: '0.82', reserveRate: '0.15' });
    expect(agreementTermsSchema.safeParse(next).success).toBe(true);
  });

  it('gives a rolling reserve the tier’s holding period', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.10', reservePolicy: { kind: 'rolling', holdDays: 30 } });
    expect(termsForTier(terms, tier('0.10', 180), 65).reservePolicy).toEqual({ kind: 'rolling', holdDays: 180 });
  });

  it('caps the reserve at what advance and reserve make (no negative advance)', () => {
    const terms = agreementTermsSchema.parse({ advanceRate: '0.90', reserveRate: '0.07', fees: { kind: 'flat', rate: '0.03' } });
    expect(termsForTier(terms, tier('1.00', 180), 40)).toMatchObject({ advanceRate: '0.00', reserveRate: '0.97' });
  });
});

import { describe, expect, it } from 'vitest';
import { agreementFormSchema, agreementToForm } from '../../lib/agreements/form';
import { agreementTermsSchema } from '../../lib/agreements/terms';
import { currency, fieldErrors, optional } from '../../lib/validation/fields';
import { escrowSplit } from '../../lib/releases/escrow';
import { Big } from '../../lib/money';

const split = (amount: string, balance: string, share = '0.10', cap = '1000.00', currency = 'USD') => {
  const r = escrowSplit(new Big(amount), { share, cap }, new Big(balance), currency);
  return { escrow: r.escrow.toFixed(2), paid: r.paid.toFixed(2), sum: r.escrow.plus(r.paid).toFixed(2) };
};

describe('escrow split (issue 16 item 3)', () => {
  it('withholds the share of a rebate while far from the cap', () => {
    expect(split('1900.00', '0')).toEqual({ escrow: '190.00', paid: '1710.00', sum: '1900.00' });
  });

  it('reaching the cap mid-rebate withholds only what still fits', () => {
    expect(split('1900.00', '950.00')).toEqual({ escrow: '50.00', paid: '1850.00', sum: '1900.00' });
  });

  it('at (or above) the cap the whole rebate is paid', () => {
    expect(split('1900.00', '1000.00')).toEqual({ escrow: '0.00', paid: '1900.00', sum: '1900.00' });
    expect(split('1900.00', '1200.00')).toEqual({ escrow: '0.00', paid: '1900.00', sum: '1900.00' });
  });

  it('rounds the share half-up to the cent, and the two parts sum to the rebate exactly', () => {
    // 0.10 × 0.05 = 0.005 → 0.01
    expect(split('0.05', '0')).toEqual({ escrow: '0.01', paid: '0.04', sum: '0.05' });
    // 0.15 × 33.33 = 4.9995 → 5.00
    expect(split('33.33', '0', '0.15')).toEqual({ escrow: '5.00', paid: '28.33', sum: '33.33' });
    // 0.125 × 0.04 = 0.005 → 0.01; 0.125 × 0.03 = 0.00375 → 0.00
    expect(split('0.04', '0', '0.125')).toEqual({ escrow: '0.01', paid: '0.03', sum: '0.04' });
    expect(split('0.03', '0', '0.125')).toEqual({ escrow: '0.00', paid: '0.03', sum: '0.03' });
    for (const amount of ['0.01', '1.11', '999.99', '12345.67']) {
      for (const share of ['0.01', '0.07', '0.333', '1']) {
        const r = escrowSplit(new Big(amount), { share, cap: '500' }, new Big('123.45'), 'USD');
        expect(r.escrow.plus(r.paid).eq(amount)).toBe(true);
        expect(r.escrow.gte(0) && r.paid.gte(0)).toBe(true);
        expect(r.escrow.plus('123.45').lte(500)).toBe(true);
      }
    }
  });

  it('a currency without minor units rounds to the unit', () => {
    expect(escrowSplit(new Big('1005'), { share: '0.10', cap: '100000' }, new Big(0), 'JPY').escrow.toString()).toBe('101');
  });

  it('nothing is withheld from a zero rebate', () => {
    expect(split('0', '0')).toEqual({ escrow: '0.00', paid: '0.00', sum: '0.00' });
  });

  it('the agreement accepts the escrow policy and names the fields in words', () => {
    const ok = agreementTermsSchema.safeParse({ reservePolicy: { kind: 'escrow', share: '0.10', cap: '25000.00' } });
    expect(ok.success).toBe(true);
    const bad = agreementTermsSchema.safeParse({ reservePolicy: { kind: 'escrow', share: '1.5', cap: 'x' } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join(' | ');
    expect(messages).toContain('Escrow share of each rebate must be between 0 and 1');
    expect(messages).toContain('Escrow cap must be a plain decimal amount');
  });
});

describe('the agreement form: the escrow policy (issue 16 item 3)', () => {
  const schema = agreementFormSchema({ currency: optional(currency('Home currency')) });
  it('share and cap typed as people write them become the terms, and back', () => {
    const parsed = schema.safeParse({ policyKind: 'escrow', escrowShare: '10%', escrowCap: '25,000', currency: 'USD' });
    expect(parsed.success).toBe(true);
    const policy = parsed.data!.agreement.reservePolicy;
    expect(policy).toEqual({ kind: 'escrow', share: '0.10', cap: '25000.00' });
    const form = agreementToForm(agreementTermsSchema.parse({ reservePolicy: policy }));
    expect({ kind: form.policyKind, share: form.escrowShare, cap: form.escrowCap }).toEqual({ kind: 'escrow', share: '10%', cap: '25000.00' });
  });
  it('both fields are required with the escrow policy, each named', () => {
    const parsed = schema.safeParse({ policyKind: 'escrow' });
    expect(parsed.success).toBe(false);
    const errors = fieldErrors(parsed.error!);
    expect(errors.escrowShare).toContain('Escrow share of each rebate');
    expect(errors.escrowCap).toContain('Escrow cap');
  });
});

import { describe, expect, it } from 'vitest';
import { agreementFromForm, agreementFormSchema, agreementToForm } from '../../lib/agreements/form';
import { agreementTermsSchema } from '../../lib/agreements/terms';
import { isPositiveOutcome, listNumbers, verificationMessage } from '../../lib/verifications/labels';
import { lackingVerification, verificationRequired, verificationRequiredMessage } from '../../lib/verifications/rule';
import { verificationInputSchema } from '../../lib/verifications';

/** Issue 15 item 1: the funding-side verification rule, pure. */
const rule = (threshold: string | undefined, currency = 'USD') => ({ threshold, currency });
const invoice = (number: string, faceValue: string, latestOutcome: string | null = null, currency = 'USD') => ({ number, faceValue, currency, latestOutcome });

describe('the verification threshold (issue 15)', () => {
  it('asks nothing without a threshold: the default, existing fundings unchanged', () => {
    expect(verificationRequired({ faceValue: '9999999.00', currency: 'USD' }, rule(undefined))).toBe(false);
    expect(verificationRequired({ faceValue: '10.00', currency: 'EUR' }, rule(undefined))).toBe(false);
    expect(lackingVerification([invoice('A-1', '500000.00')], rule(undefined))).toEqual([]);
    // and an agreement without the term has none
    expect(agreementTermsSchema.parse({}).verificationThreshold).toBeUndefined();
  });

  it('asks for a verification strictly above the threshold, to the cent', () => {
    const r = rule('10000.00');
    expect(verificationRequired({ faceValue: '10000.00', currency: 'USD' }, r)).toBe(false);
    expect(verificationRequired({ faceValue: '10000.01', currency: 'USD' }, r)).toBe(true);
    expect(verificationRequired({ faceValue: '9999.99', currency: 'USD' }, r)).toBe(false);
  });

  it('a zero threshold asks for every invoice', () => {
    expect(verificationRequired({ faceValue: '0.01', currency: 'USD' }, rule('0.00'))).toBe(true);
  });

  it('asks for any invoice in another currency than the threshold’s (no exchange rate to compare with)', () => {
    expect(verificationRequired({ faceValue: '1.00', currency: 'EUR' }, rule('10000.00', 'USD'))).toBe(true);
  });

  it('only a positive latest record lets an invoice above the threshold through', () => {
    const r = rule('5000.00');
    const lacking = lackingVerification(
      [
        invoice('BIG-NONE', '6000.00', null),
        invoice('BIG-OK', '6000.00', 'verified'),
        invoice('BIG-DISPUTED', '6000.00', 'disputed'),
        invoice('BIG-NOANSWER', '6000.00', 'no_answer'),
        invoice('SMALL-NONE', '5000.00', null),
        invoice('SMALL-DISPUTED', '100.00', 'disputed'),
      ],
      r,
    );
    expect(lacking.map((i) => i.number)).toEqual(['BIG-NONE', 'BIG-DISPUTED', 'BIG-NOANSWER']);
    expect(isPositiveOutcome('verified')).toBe(true);
    expect(['disputed', 'no_answer', null, undefined, ''].map(isPositiveOutcome)).toEqual([false, false, false, false, false]);
  });

  it('the refusal names the invoices, the client and the threshold', () => {
    const message = verificationRequiredMessage([invoice('A-1', '12000.00'), invoice('A-2', '15000.00')], rule('10000.00'), 'Acme Freight');
    expect(message).toBe(
      "Invoices A-1 and A-2 need a positive verification recorded before funding: Acme Freight's agreement asks for one on invoices above 10,000.00 USD. " +
        'Record the verification on the invoice, or with "Verify invoices" on the Fundings screen.',
    );
    expect(verificationRequiredMessage([invoice('E-1', '10.00', null, 'EUR')], rule('10000.00'), 'Acme')).toMatch(
      /^Invoice E-1 needs a positive verification .* above 10,000.00 USD and on every invoice in another currency than USD\./,
    );
  });

  it('lists numbers as a person reads them, at most ten', () => {
    expect(listNumbers(['A'])).toBe('A');
    expect(listNumbers(['A', 'B', 'C'])).toBe('A, B and C');
    expect(listNumbers(Array.from({ length: 13 }, (_, i) => `N${i + 1}`))).toBe('N1, N2, N3, N4, N5, N6, N7, N8, N9, N10 and 3 more');
  });
});

describe('a verification record’s input', () => {
  it('names each bad field in plain words', () => {
    const r = verificationInputSchema.safeParse({ invoiceIds: [], method: 'fax', outcome: 'maybe' });
    expect(r.success).toBe(false);
    const byField = Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(byField.invoiceIds).toBe('Invoices must have at least one entry');
    expect(byField.method).toBe('Method must be one of: Phone call, Email, Debtor portal or approval, Document (proof of delivery, signed PO)');
    expect(byField.outcome).toBe('Outcome must be one of: Verified, Disputed by the debtor, No answer');
  });

  it('a call, an email or the debtor portal needs a contact; a document does not', () => {
    const call = verificationInputSchema.safeParse({ invoiceIds: [1], method: 'call', outcome: 'verified' });
    expect(call.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['contact', 'Contact is required for phone call: whom you spoke to or wrote to'],
    ]);
    expect(verificationInputSchema.safeParse({ invoiceIds: [1], method: 'document', outcome: 'verified', note: 'Signed POD' }).success).toBe(true);
    expect(verificationInputSchema.safeParse({ invoiceIds: [1, 1], method: 'document', outcome: 'verified' }).error?.issues[0]?.message).toBe(
      'Invoices: the same invoice is listed twice',
    );
  });

  it('says what was recorded, and whether it counts', () => {
    const base = { method: 'call' as const, contact: 'Jane Roe (AP)', outcome: 'verified' as const, invoiceStatus: 'verified' };
    expect(verificationMessage(['A-1', 'A-2', 'A-3', 'A-4'].map((invoiceNumber) => ({ ...base, invoiceNumber })))).toBe(
      'Recorded for 4 invoices (A-1, A-2, A-3 and A-4): phone call with Jane Roe (AP), verified. They are verified and can be funded.',
    );
    expect(verificationMessage([{ ...base, invoiceNumber: 'A-1', outcome: 'no_answer', invoiceStatus: 'submitted' }])).toBe(
      'Recorded for invoice A-1: phone call with Jane Roe (AP), no answer. Only a positive outcome counts as verified.',
    );
  });
});

describe('the agreement form’s verification threshold', () => {
  const schema = agreementFormSchema({});
  it('is empty by default (no threshold) and kept when typed', () => {
    expect(agreementToForm(agreementTermsSchema.parse({})).verificationThreshold).toBe('');
    const typed = schema.safeParse({ verificationThreshold: '25,000' });
    expect(typed.success).toBe(true);
    expect(typed.data!.agreement.verificationThreshold).toBe('25000.00');
    expect(agreementToForm(agreementTermsSchema.parse(typed.data!.agreement)).verificationThreshold).toBe('25000.00');
    expect(agreementFromForm({}).verificationThreshold).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { unappliedReason, type NamedInvoice, type ReasonPayment } from '../../lib/collections/unapplied-reason';

const payment = (over: Partial<ReasonPayment> = {}): ReasonPayment => ({
  receivedDate: '2026-02-01',
  currency: 'USD',
  amount: '8000.00',
  unapplied: '8000.00',
  reference: 'INV NW-1',
  tokens: ['NW-1'],
  suggestions: 0,
  ...over,
});
const invoice = (over: Partial<NamedInvoice> = {}): NamedInvoice => ({
  number: 'NW-1',
  status: 'funded',
  currency: 'USD',
  outstanding: '8000.00',
  fundingDate: '2026-01-05',
  ...over,
});

describe('why an imported payment stays in the inbox (issue 15 item 6)', () => {
  it('says nothing of a payment applied in full', () => {
    expect(unappliedReason(payment({ unapplied: '0.00' }), [invoice()])).toBeNull();
  });

  it('a payment dated before the invoice it names was funded', () => {
    expect(unappliedReason(payment(), [invoice({ fundingDate: '2026-02-10' })])).toBe(
      'it is dated 2026-02-01, before invoice NW-1 was funded on 2026-02-10: it cannot pay an invoice the factor had not bought yet',
    );
  });

  it('a reference naming no invoice, or no invoice number at all; the suggestions kept are said', () => {
    expect(unappliedReason(payment({ tokens: ['ZZ-9'] }), [])).toBe('no invoice Holdback knows is named in its reference (looked for ZZ-9)');
    expect(unappliedReason(payment({ tokens: [], suggestions: 2 }), [])).toBe('its reference names no invoice number; 2 suggestions are listed to confirm');
    expect(unappliedReason(payment({ tokens: [] }), [])).toBe('its reference names no invoice number; match it to invoices by hand');
    expect(unappliedReason(payment({ tokens: ['A1', 'A2', 'A3', 'A4', 'A5'] }), [])).toBe(
      'no invoice Holdback knows is named in its reference (looked for A1, A2, A3 and 2 more)',
    );
  });

  it('an invoice of another currency, not funded yet, settled, or owing nothing', () => {
    expect(unappliedReason(payment(), [invoice({ currency: 'EUR' })])).toBe('invoice NW-1 is in EUR; the payment is in USD');
    expect(unappliedReason(payment(), [invoice({ status: 'verified', fundingDate: null })])).toBe(
      'invoice NW-1 is not funded yet; only funded invoices take payments',
    );
    expect(unappliedReason(payment(), [invoice({ status: 'charged_back' })])).toBe('invoice NW-1 is charged back; only funded invoices take payments');
    expect(unappliedReason(payment(), [invoice({ outstanding: '0.00' })])).toBe('invoice NW-1 owes nothing any more');
  });

  it('an amount that is not what the invoices owe, in the one money format', () => {
    expect(unappliedReason(payment(), [invoice({ outstanding: '7500.00' })])).toBe(
      '8,000.00 USD is not what invoice NW-1 still owes (7,500.00 USD); apply it by hand',
    );
    expect(
      unappliedReason(payment({ tokens: ['NW-1', 'NW-2'], suggestions: 1 }), [
        invoice({ outstanding: '1000.00' }),
        invoice({ number: 'nw-2', outstanding: '2000.00' }),
      ]),
    ).toBe('8,000.00 USD is not what invoices NW-1, nw-2 still owe (3,000.00 USD); a suggestion is listed to confirm');
  });

  it('what is left of a payment partly applied', () => {
    expect(unappliedReason(payment({ unapplied: '500.00' }), [invoice()])).toBe(
      '500.00 USD is left after paying the invoices its reference names; apply the rest or refund it',
    );
  });
});

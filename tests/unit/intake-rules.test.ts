import { describe, expect, it } from 'vitest';
import {
  FLAG_KINDS,
  FLAG_LABELS,
  issuedAfterFunding,
  issuedInFuture,
  openFlagsMessage,
  overrideActive,
  pairBreachMessage,
  pairLimitBreaches,
  type PairExposure,
} from '../../lib/intake/rules';
import { Big } from '../../lib/money';
import { INVOICE_FLAG_KINDS } from '../../db/schema/intake';

const pair = (over: Partial<PairExposure> = {}): PairExposure => ({
  debtorId: '7',
  debtorName: 'Globex',
  currency: 'USD',
  open: '10000.00',
  batch: '4000.00',
  limit: '12000.00',
  override: null,
  ...over,
});

describe('client–debtor limit rule (issue 16 item 4)', () => {
  it('a pair whose exposure after the batch is above its limit is a breach, naming exposure and limit', () => {
    const [breach] = pairLimitBreaches([pair()]);
    expect(breach).toMatchObject({ debtorId: '7', currency: 'USD' });
    expect(breach!.exposure.toString()).toBe('14000');
    expect(pairBreachMessage(breach!)).toBe('Over the client–debtor limit for Globex: exposure 14,000.00 USD, limit 12,000.00 USD');
  });

  it('exposure exactly at the limit is within it', () => {
    expect(pairLimitBreaches([pair({ batch: '2000.00' })])).toEqual([]);
  });

  it('a pair without a limit is never a breach', () => {
    expect(pairLimitBreaches([pair({ limit: null, open: '99999999.00' })])).toEqual([]);
  });

  it('an active override covers exposure up to its own limit, and no more', () => {
    expect(pairLimitBreaches([pair({ override: { limit: '15000.00', until: '2026-12-31' } })])).toEqual([]);
    expect(pairLimitBreaches([pair({ override: { limit: '13999.99', until: '2026-12-31' } })])).toHaveLength(1);
  });

  it('a limit of zero stops any funding of the pair', () => {
    expect(pairLimitBreaches([pair({ open: '0', batch: '0.01', limit: '0' })])).toHaveLength(1);
  });

  it('works in Big, never a float (0.1 + 0.2 against 0.3)', () => {
    expect(pairLimitBreaches([pair({ open: new Big('0.1'), batch: '0.2', limit: '0.3' })])).toEqual([]);
  });

  it('an override is active through its until date and expired the day after', () => {
    expect(overrideActive('2026-12-31', '2026-12-31')).toBe(true);
    expect(overrideActive('2026-12-31', '2026-01-01')).toBe(true);
    expect(overrideActive('2026-12-31', '2027-01-01')).toBe(false);
  });
});

describe('intake flag rules (issue 16 item 5)', () => {
  it('an issue date after today is a future issue date; today is not', () => {
    expect(issuedInFuture('2026-12-01', '2026-11-30')).toBe(true);
    expect(issuedInFuture('2026-11-30', '2026-11-30')).toBe(false);
  });

  it('an invoice issued after the funding date was bought before it existed', () => {
    expect(issuedAfterFunding('2026-03-02', '2026-03-01')).toBe(true);
    expect(issuedAfterFunding('2026-03-01', '2026-03-01')).toBe(false);
  });

  it('the kinds are the ones the database allows (invoice_flags_kind_check)', () => {
    expect([...FLAG_KINDS]).toEqual([...INVOICE_FLAG_KINDS]);
  });

  it('every kind has a label a person reads', () => {
    for (const kind of FLAG_KINDS) expect(FLAG_LABELS[kind]).toMatch(/^[A-Z]/);
  });

  it('the funding refusal names each invoice with its flags', () => {
    expect(openFlagsMessage([{ invoiceNumber: 'A-1', kind: 'future_issue_date' }])).toMatch(
      /^Invoice A-1 \(future issue date\) has an intake flag nobody has cleared yet\. An underwriter or approver/,
    );
    expect(
      openFlagsMessage([
        { invoiceNumber: 'A-1', kind: 'future_issue_date' },
        { invoiceNumber: 'A-2', kind: 'duplicate_amount_date' },
        { invoiceNumber: 'A-2', kind: 'new_debtor' },
      ]),
    ).toMatch(/^Invoices A-1 \(future issue date\) and A-2 \(possible duplicate, new debtor\) have intake flags nobody has cleared yet/);
  });
});

import { describe, expect, it } from 'vitest';
import { DomainError } from '@/lib/errors';
import { daysPastDue, feeToDate, invoiceActions } from '@/lib/invoices/standing';
import { detailOf, normaliseQuery, parseSearchParams, rankItems, searchKey, shorten, statusWords, type RankedItem } from '@/lib/search/query';

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('normaliseQuery: what a typed query means', () => {
  it('trims, makes runs of white space one space, and keys on letters and digits upper-cased', () => {
    expect(normaliseQuery('  nw-10  ')).toEqual({ text: 'nw-10', key: 'NW10', trigrams: true });
    expect(normaliseQuery('Acme \t  Corp.')).toEqual({ text: 'Acme Corp.', key: 'ACMECORP', trigrams: true });
    expect(normaliseQuery('Müller  GmbH')?.key).toBe('MÜLLERGMBH');
  });

  it('is nothing under two characters, or under two letters and digits', () => {
    expect(normaliseQuery('')).toBeNull();
    expect(normaliseQuery(' a ')).toBeNull();
    expect(normaliseQuery('--')).toBeNull();
    expect(normaliseQuery('%_')).toBeNull();
    expect(normaliseQuery('a-')).toBeNull();
    expect(normaliseQuery('ab')).toEqual({ text: 'ab', key: 'AB', trigrams: false });
  });

  it('runs the trigram tiers only from three letters or digits (a trigram index needs three)', () => {
    expect(normaliseQuery('G-1')?.trigrams).toBe(false);
    expect(normaliseQuery('G-10')?.trigrams).toBe(true);
    expect(normaliseQuery('1 2 3')?.trigrams).toBe(true);
  });

  it('keeps at most 100 characters, counting characters rather than UTF-16 units', () => {
    const long = `${'🧾'.repeat(60)}${'x'.repeat(60)}`;
    const q = normaliseQuery(long)!;
    expect([...q.text]).toHaveLength(100);
    expect(q.text.startsWith('🧾'.repeat(60))).toBe(true);
    expect(q.key).toBe('X'.repeat(40));
  });

  it('never carries a LIKE wildcard or a quote into the key', () => {
    expect(searchKey("50%_off\\'x")).toBe('50OFFX');
  });
});

describe('parseSearchParams: GET /api/v1/search', () => {
  const params = (query: string) => parseSearchParams(new URLSearchParams(query));

  it('defaults: limit 10, every kind', () => {
    expect(params('q=NW-10')).toEqual({ q: 'NW-10', limit: 10, types: ['invoice', 'payment', 'client', 'debtor'] });
    expect(params('q=acme&limit=50&type=debtor')).toEqual({ q: 'acme', limit: 50, types: ['debtor'] });
  });

  it('q shorter than 2 characters is a 400 naming q', () => {
    for (const query of ['q=a', 'q=%20a%20', '', 'q=']) {
      const error = refusal(() => params(query));
      expect(error.status).toBe(400);
      expect(Object.keys(error.details)).toEqual(['q']);
      expect(String(error.details.q)).toMatch(/^Search text \(q\) (must be at least 2 characters|is required)$/);
    }
    expect(refusal(() => params('q=ab%00c')).details.q).toMatch(/control characters/);
    expect(refusal(() => params(`q=${'x'.repeat(101)}`)).details.q).toBe('Search text (q) must be at most 100 characters');
  });

  it('limit is 1 to 50 and type one of the four kinds, each a 400 naming the parameter', () => {
    for (const limit of ['0', '51', 'ten', '1.5', '-1']) {
      const error = refusal(() => params(`q=NW&limit=${limit}`));
      expect(error.status).toBe(400);
      expect(Object.keys(error.details)).toEqual(['limit']);
    }
    const error = refusal(() => params('q=NW&type=statement'));
    expect(error.details).toEqual({ type: 'type must be one of: invoice, payment, client, debtor' });
  });
});

describe('rankItems: one list, best first', () => {
  const item = (type: RankedItem['type'], id: string, tier: RankedItem['tier'], score = 0): RankedItem => ({
    type,
    id,
    label: `${type} ${id}`,
    detail: '',
    url: `/${type}s/${id}`,
    tier,
    score,
  });

  it('exact before prefix before contains before similar, whatever the kind', () => {
    const invoices = [item('invoice', '1', 1), item('invoice', '2', 2, 0.4)];
    const clients = [item('client', '7', 0)];
    const debtors = [item('debtor', '9', 3, 0.9), item('debtor', '8', 2, 0.6)];
    expect(rankItems([invoices, clients, debtors], 10).map((i) => `${i.type}:${i.id}`)).toEqual(['client:7', 'invoice:1', 'debtor:8', 'invoice:2', 'debtor:9']);
  });

  it('within a tier: higher similarity first, then the order each kind gave, then the kinds in order', () => {
    const a = [item('invoice', 'NW-1003', 1), item('invoice', 'NW-1004', 1)];
    const b = [item('payment', '5', 1)];
    expect(rankItems([a, b], 10).map((i) => i.id)).toEqual(['NW-1003', 'NW-1004', '5']);
    expect(rankItems([[item('client', 'x', 2, 0.2), item('client', 'y', 2, 0.7)]], 10).map((i) => i.id)).toEqual(['y', 'x']);
  });

  it('cuts at the limit and lists a hit once', () => {
    const twice = [item('invoice', '1', 0), item('invoice', '1', 2), item('invoice', '2', 1), item('invoice', '3', 1)];
    expect(rankItems([twice], 2).map((i) => i.id)).toEqual(['1', '2']);
    expect(rankItems([twice], 10).map((i) => i.id)).toEqual(['1', '2', '3']);
  });
});

describe('detail lines', () => {
  it('joins what is there and says statuses in words', () => {
    expect(detailOf(['Northwind', '', null, 'Acme', '2,003.00 USD', statusWords('charged_back')])).toBe('Northwind · Acme · 2,003.00 USD · charged back');
  });

  it('shortens a long reference to one line', () => {
    expect(shorten('INV NW-1003\n  and NW-1004')).toBe('INV NW-1003 and NW-1004');
    expect(shorten('x'.repeat(80), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('the invoice page: days past due, fee to date, what can be done', () => {
  it('days past due as of today: 0 before and on the due date and once closed', () => {
    expect(daysPastDue('2026-03-31', '2026-03-01', 'funded')).toBe(0);
    expect(daysPastDue('2026-03-31', '2026-03-31', 'funded')).toBe(0);
    expect(daysPastDue('2026-03-31', '2026-04-15', 'funded')).toBe(15);
    expect(daysPastDue('2026-02-28', '2026-03-01', 'disputed')).toBe(1);
    expect(daysPastDue('2024-02-28', '2024-03-01', 'verified')).toBe(2);
    for (const status of ['settled', 'charged_back', 'written_off']) expect(daysPastDue('2026-01-01', '2026-04-15', status)).toBe(0);
  });

  it('fee to date includes what the funding took: the service fee and the flat fee, then what accrued', () => {
    // a flat 2% of 10,000.00 plus a 25.00 service fee taken at funding, 12.34 accrued since
    expect(feeToDate({ feesAtFunding: '225.00', serviceFee: '25', accrued: '12.34', currency: 'USD' })).toEqual({
      atFunding: '225.00',
      serviceFee: '25.00',
      flatFee: '200.00',
      accrued: '12.34',
      total: '237.34',
    });
    // a daily-rate agreement: only the service fee at funding
    expect(feeToDate({ feesAtFunding: '25.00', serviceFee: '25.00', accrued: '0.00', currency: 'USD' }).flatFee).toBe('0.00');
    // not funded yet: nothing taken
    expect(feeToDate({ feesAtFunding: null, serviceFee: null, accrued: '0.00', currency: 'USD' })).toMatchObject({ atFunding: '0.00', total: '0.00' });
    // yen: no minor units; a service fee never more than was taken
    expect(feeToDate({ feesAtFunding: '1000', serviceFee: '1500.4', accrued: '37', currency: 'JPY' })).toEqual({
      atFunding: '1000',
      serviceFee: '1000',
      flatFee: '0',
      accrued: '37',
      total: '1037',
    });
  });

  it('offers a dispute on a funded invoice, a charge-back under recourse and a write-off under non-recourse', () => {
    expect(invoiceActions('funded', 'recourse')).toEqual({ dispute: true, chargeBack: true, writeOff: false });
    expect(invoiceActions('disputed', 'non_recourse')).toEqual({ dispute: false, chargeBack: false, writeOff: true });
    expect(invoiceActions('settled', 'recourse')).toEqual({ dispute: false, chargeBack: false, writeOff: false });
    expect(invoiceActions('verified', null)).toEqual({ dispute: false, chargeBack: false, writeOff: false });
  });
});

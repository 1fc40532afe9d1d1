import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors';
import { invoiceList, prefixPattern, statusWords } from '../../lib/invoices/list';
import { parseListRequest } from '../../lib/lists/keyset';

/** Issue 13, the invoices list's request: filter names (a contract other screens link with), their words and their checks. */
function refusal(params: Record<string, string>) {
  try {
    parseListRequest(invoiceList, params);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).details;
  }
  throw new Error(`accepted ${JSON.stringify(params)}`);
}

describe('the invoices list request', () => {
  it('reads every filter by its contract name, normalised', () => {
    const request = parseListRequest(invoiceList, {
      status: 'open',
      clientId: '12',
      debtorId: '7',
      currency: 'eur',
      from: '2026-01-01',
      to: '2026-01-31',
      dueFrom: '2026-02-01',
      dueTo: '2026-02-28',
      fundedFrom: '2026-01-02',
      fundedTo: '2026-01-30',
      minDaysPastDue: '30',
      maxDaysPastDue: '90',
      minAmount: '10,000',
      maxAmount: '25000.50',
      number: ' nw-10 ',
      page: 'ignored',
    });
    expect(request.filters).toEqual({
      status: 'open',
      clientId: 12,
      debtorId: 7,
      currency: 'EUR',
      from: '2026-01-01',
      to: '2026-01-31',
      dueFrom: '2026-02-01',
      dueTo: '2026-02-28',
      fundedFrom: '2026-01-02',
      fundedTo: '2026-01-30',
      minDaysPastDue: 30,
      maxDaysPastDue: 90,
      minAmount: '10000',
      maxAmount: '25000.5',
      number: 'nw-10',
    });
    expect(request).toMatchObject({ sort: 'id', order: 'desc', limit: 50, cursor: null });
  });

  it('sorts by a column ascending when asked without an order, and knows every column', () => {
    expect(parseListRequest(invoiceList, { sort: 'daysPastDue' })).toMatchObject({ sort: 'daysPastDue', order: 'asc' });
    expect(Object.keys(invoiceList.sorts)).toEqual([
      'id',
      'number',
      'client',
      'debtor',
      'faceValue',
      'outstanding',
      'issueDate',
      'dueDate',
      'fundingDate',
      'daysPastDue',
      'status',
    ]);
    // days past due is the due date's order reversed (one index serves both)
    expect(invoiceList.sorts.daysPastDue).toMatchObject({ expr: invoiceList.sorts.dueDate!.expr, reverse: true });
  });

  it('names the field of a bad filter in plain words', () => {
    expect(refusal({ status: 'paid' })).toEqual({
      status: 'Status must be one of: submitted, verified, funded, disputed, settled, charged_back, written_off, open',
    });
    expect(refusal({ clientId: 'Acme' })).toEqual({ clientId: 'Client must be a whole number such as 12' });
    expect(refusal({ debtorId: '0' })).toEqual({ debtorId: 'Debtor must be a whole number such as 12' });
    expect(refusal({ currency: 'ABC' })).toEqual({ currency: 'Currency must be an ISO 4217 currency code such as USD, EUR or JPY' });
    expect(refusal({ dueTo: '31/01/2026' })).toEqual({ dueTo: 'Due to must be a real date written YYYY-MM-DD, such as 2026-03-31' });
    expect(refusal({ minDaysPastDue: '-3' })).toEqual({ minDaysPastDue: 'Minimum days past due must be a whole number of days, such as 30' });
    expect(refusal({ minAmount: 'lots' })).toEqual({ minAmount: 'Minimum face value must be an amount written as digits, such as 12,500.00' });
    expect(refusal({ number: 'x'.repeat(101) })).toEqual({ number: 'Number starts with must be at most 100 characters' });
  });

  it('refuses a range written backwards, naming its upper end', () => {
    expect(refusal({ from: '2026-02-01', to: '2026-01-01' })).toEqual({ to: 'Issued to must not be before Issued from' });
    expect(refusal({ dueFrom: '2026-02-01', dueTo: '2026-01-01' })).toEqual({ dueTo: 'Due to must not be before Due from' });
    expect(refusal({ fundedFrom: '2026-02-01', fundedTo: '2026-01-01' })).toEqual({ fundedTo: 'Funded to must not be before Funded from' });
    expect(refusal({ minDaysPastDue: '60', maxDaysPastDue: '30' })).toEqual({ maxDaysPastDue: 'Maximum days past due must not be less than the minimum' });
    // amounts compare as decimals, not as text ("9" > "10" as text)
    expect(refusal({ minAmount: '10.5', maxAmount: '10.25' })).toEqual({ maxAmount: 'Maximum face value must not be less than the minimum' });
    expect(parseListRequest(invoiceList, { minAmount: '9', maxAmount: '10' }).filters).toMatchObject({ minAmount: '9', maxAmount: '10' });
    expect(parseListRequest(invoiceList, { from: '2026-01-01', to: '2026-01-01' }).filters).toMatchObject({ from: '2026-01-01', to: '2026-01-01' });
  });
});

describe('the number filter', () => {
  it('is a case-insensitive prefix, its LIKE characters taken literally', () => {
    expect(prefixPattern('nw-10')).toBe('NW-10%');
    expect(prefixPattern('a_b%c\\')).toBe('A\\_B\\%C\\\\%');
  });
});

describe('status words', () => {
  it('says each status as people do', () => {
    expect(statusWords('charged_back')).toBe('Charged back');
    expect(statusWords('open')).toBe('Open (funded or disputed)');
    expect(statusWords('something_new')).toBe('something_new');
  });
});

import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors';
import { INVOICE_STATUSES } from '../../db/schema/invoices';
import { OPEN_RANGE, OPEN_STATUSES, defaultSortOf, invoiceList, invoiceListParams, listMoney, prefixPattern, statusWords } from '../../lib/invoices/list';
import { moneyOut } from '../../lib/money';
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

describe('open invoices as a range of statuses', () => {
  it('holds exactly the open statuses, so the indexes of migration 0018 may check it (a new status between them would break it)', () => {
    const [low, high] = OPEN_RANGE;
    // the statuses are lower-case ASCII: every collation orders them as JavaScript does
    expect(INVOICE_STATUSES.every((s) => /^[a-z_]+$/.test(s))).toBe(true);
    expect(INVOICE_STATUSES.filter((s) => s >= low && s <= high).sort()).toEqual([...OPEN_STATUSES].sort());
  });
});

describe('the default order of a filtered list', () => {
  it('is newest first, or the order of the range filtered to, unless a sort is asked for', () => {
    expect(defaultSortOf({})).toBeNull();
    expect(defaultSortOf({ status: 'open', clientId: '3', currency: 'USD' })).toBeNull();
    expect(defaultSortOf({ minDaysPastDue: '30' })).toEqual({ sort: 'daysPastDue', order: 'desc' });
    expect(defaultSortOf({ dueTo: '2026-03-01', from: '2026-01-01' })).toEqual({ sort: 'dueDate', order: 'asc' });
    expect(defaultSortOf({ from: '2026-01-01' })).toEqual({ sort: 'issueDate', order: 'desc' });
    expect(defaultSortOf({ fundedTo: '2026-01-01' })).toEqual({ sort: 'fundingDate', order: 'desc' });
    expect(defaultSortOf({ number: 'NW' })).toEqual({ sort: 'number', order: 'asc' });
    expect(defaultSortOf({ minAmount: '100' })).toEqual({ sort: 'faceValue', order: 'desc' });
    expect(defaultSortOf({ minAmount: '100', sort: 'client' })).toBeNull();
    expect(defaultSortOf({ from: '' })).toBeNull();
    expect(parseListRequest(invoiceList, invoiceListParams(new URLSearchParams('from=2026-01-01&status=open')))).toMatchObject({
      sort: 'issueDate',
      order: 'desc',
      filters: { from: '2026-01-01', status: 'open' },
    });
  });
});

describe('amounts in the list', () => {
  it('are exactly what moneyOut says, for every currency and every shape of numeric text', () => {
    const values = [
      '0.0000',
      '1.0000',
      '12345.6700',
      '12345.6750',
      '12345.6749',
      '0.0050',
      '999999999999999.9999',
      '10.5000',
      '-5.0000',
      '-0.0000',
      '7',
      '3.5',
    ];
    for (const currency of ['USD', 'EUR', 'JPY', 'KWD', 'CLF', 'GBP']) {
      for (const value of values) expect(listMoney(value, currency), `${value} ${currency}`).toBe(moneyOut(value, currency));
    }
    expect(listMoney(null, 'USD')).toBe('0.00');
    expect(listMoney('12345.6700', 'JPY')).toBe('12346');
    expect(listMoney('12345.6000', 'KWD')).toBe('12345.600');
  });
});

import { describe, expect, it } from 'vitest';
import { naturalBalance, validateEntry, type EntryInput } from '../../lib/ledger';
import { Big } from '../../lib/money';

const base = (lines: EntryInput['lines']): EntryInput => ({ effectiveDate: '2026-01-01', kind: 'test', idempotencyKey: 'k1', lines });

describe('a journal entry', () => {
  it('is accepted when it balances in each currency', () => {
    expect(() =>
      validateEntry(
        base([
          { account: 'receivable', currency: 'USD', clientId: 1, amount: new Big('10000') },
          { account: 'client_payable', currency: 'USD', clientId: 1, amount: new Big('-8000') },
          { account: 'reserve', currency: 'USD', clientId: 1, amount: new Big('-2000') },
          { account: 'cash', currency: 'EUR', amount: new Big('5') },
          { account: 'fx_clearing', currency: 'EUR', amount: new Big('-5') },
        ]),
      ),
    ).not.toThrow();
  });

  it('is refused when it does not balance, naming the currency and the difference', () => {
    expect(() =>
      validateEntry(
        base([
          { account: 'receivable', currency: 'USD', clientId: 1, amount: new Big('10000') },
          { account: 'client_payable', currency: 'USD', clientId: 1, amount: new Big('-7999.99') },
        ]),
      ),
    ).toThrow(/does not balance in USD: lines sum to 2000.01/);
  });

  it('does not offset one currency against another (SPEC 5.5)', () => {
    expect(() =>
      validateEntry(
        base([
          { account: 'cash', currency: 'USD', amount: new Big('100') },
          { account: 'cash', currency: 'EUR', amount: new Big('-100') },
        ]),
      ),
    ).toThrow(/does not balance in USD/);
  });

  it('refuses amounts finer than the currency minor unit', () => {
    expect(() =>
      validateEntry(
        base([
          { account: 'cash', currency: 'USD', amount: new Big('0.005') },
          { account: 'unapplied_cash', currency: 'USD', amount: new Big('-0.005') },
        ]),
      ),
    ).toThrow(/more decimals than USD allows/);
  });

  it('needs a client on client accounts and refuses one elsewhere', () => {
    expect(() =>
      validateEntry(
        base([
          { account: 'reserve', currency: 'USD', amount: new Big('1') },
          { account: 'cash', currency: 'USD', amount: new Big('-1') },
        ]),
      ),
    ).toThrow(/belongs to a client/);
    expect(() =>
      validateEntry(
        base([
          { account: 'cash', currency: 'USD', clientId: 4, amount: new Big('1') },
          { account: 'reserve', currency: 'USD', clientId: 4, amount: new Big('-1') },
        ]),
      ),
    ).toThrow(/not a client account/);
  });

  it('needs two non-zero lines, a valid date and a key', () => {
    expect(() => validateEntry(base([{ account: 'cash', currency: 'USD', amount: new Big('0') }]))).toThrow(/at least two lines/);
    expect(() =>
      validateEntry(
        base([
          { account: 'cash', currency: 'USD', amount: new Big('0') },
          { account: 'fee_income', currency: 'USD', amount: new Big('0') },
        ]),
      ),
    ).toThrow(/amount is zero/);
    expect(() => validateEntry({ ...base([]), effectiveDate: '2026-13-01' })).toThrow(/YYYY-MM-DD/);
    expect(() => validateEntry({ ...base([]), idempotencyKey: '' })).toThrow(/idempotency key/);
  });

  it('reads liabilities and income credit-normal', () => {
    expect(naturalBalance('reserve', new Big('-2000')).toString()).toBe('2000');
    expect(naturalBalance('fee_income', new Big('-100')).toString()).toBe('100');
    expect(naturalBalance('receivable', new Big('10000')).toString()).toBe('10000');
  });
});

import type { Big } from '../money';

/** SPEC 3: the chart of accounts, one set per currency. */
export type AccountCode =
  | 'cash'
  | 'cash_in_transit'
  | 'receivable'
  | 'unapplied_cash'
  | 'reserve'
  | 'client_payable'
  | 'client_due'
  | 'fees_receivable'
  | 'fee_income'
  | 'credit_loss'
  | 'fx_clearing'
  | 'escrow';

export type AccountKind = 'asset' | 'liability' | 'income' | 'expense' | 'clearing';

export interface AccountDefinition {
  code: AccountCode;
  kind: AccountKind;
  /** Client accounts exist once per client and currency; the others once per currency. */
  perClient: boolean;
  label: string;
}

export const CHART_OF_ACCOUNTS: Readonly<Record<AccountCode, AccountDefinition>> = {
  cash: { code: 'cash', kind: 'asset', perClient: false, label: 'Cash at bank' },
  // SPEC 3 / 5.3: payouts sent to the bank, not yet confirmed (a credit balance while in flight)
  cash_in_transit: { code: 'cash_in_transit', kind: 'clearing', perClient: false, label: 'Cash in transit' },
  receivable: { code: 'receivable', kind: 'asset', perClient: true, label: 'Purchased receivables' },
  unapplied_cash: { code: 'unapplied_cash', kind: 'liability', perClient: false, label: 'Unapplied cash' },
  reserve: { code: 'reserve', kind: 'liability', perClient: true, label: 'Reserve held for the client' },
  client_payable: { code: 'client_payable', kind: 'liability', perClient: true, label: 'Payable to the client' },
  client_due: { code: 'client_due', kind: 'asset', perClient: true, label: 'Due from the client' },
  fees_receivable: { code: 'fees_receivable', kind: 'asset', perClient: true, label: 'Fees receivable' },
  fee_income: { code: 'fee_income', kind: 'income', perClient: false, label: 'Fee income' },
  credit_loss: { code: 'credit_loss', kind: 'expense', perClient: false, label: 'Credit losses' },
  fx_clearing: { code: 'fx_clearing', kind: 'clearing', perClient: false, label: 'FX clearing' },
  // Issue 16 item 3: the share of each rebate an escrow policy withholds, until its cap (lib/releases/escrow.ts)
  escrow: { code: 'escrow', kind: 'liability', perClient: true, label: 'Escrow held for the client' },
};

export const ACCOUNT_CODES = Object.keys(CHART_OF_ACCOUNTS) as AccountCode[];

export function isAccountCode(value: string): value is AccountCode {
  return Object.prototype.hasOwnProperty.call(CHART_OF_ACCOUNTS, value);
}

/** Liabilities and income are credit-normal: their natural balance is the negated sum of lines. */
export function isCreditNormal(code: AccountCode): boolean {
  const kind = CHART_OF_ACCOUNTS[code].kind;
  return kind === 'liability' || kind === 'income';
}

/** Signed ledger sum (debits positive) → the balance as a person reads it (a held reserve is positive). */
export function naturalBalance(code: AccountCode, signedSum: Big): Big {
  return isCreditNormal(code) ? signedSum.times(-1) : signedSum;
}

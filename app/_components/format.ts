import type { AgreementTerms } from '@/lib/agreements/terms';
import { Big, displayMoney } from '@/lib/money';

/** Agreement terms in words, for the client page and the portal. */
export function describeFees(fees: AgreementTerms['fees']): string {
  switch (fees.kind) {
    case 'flat':
      return `Flat ${fees.rate} of face, taken from the ${fees.deductFrom}`;
    case 'tiered':
      return `${fees.initialRate} for the first ${fees.initialDays} days, then ${fees.stepRate} per started ${fees.stepDays} days`;
    case 'daily_rate':
      return `${fees.rate} a year (${fees.dayCount}) on ${fees.base}`;
  }
}

/** The reserve policy in words; its amounts in the client's currency ("Capped at 50,000.00 USD"). */
export function describePolicy(policy: AgreementTerms['reservePolicy'], currency: string): string {
  switch (policy.kind) {
    case 'per_invoice':
      return 'Per invoice';
    case 'rolling':
      return `Rolling, ${policy.holdDays}-day hold`;
    case 'capped':
      return `Capped at ${displayMoney(policy.cap, currency)}, ${policy.holdDays}-day hold`;
    case 'fixed':
      return `Fixed target ${displayMoney(policy.target, currency)}, built at ${policy.buildRate}`;
    case 'percent_of_open':
      return `${policy.rate} of open receivables`;
    case 'escrow':
      return `Per invoice; ${new Big(policy.share).times(100).toFixed()}% of each rebate into escrow up to ${displayMoney(policy.cap, currency)}`;
  }
}

export const ACCOUNT_LABELS: Record<string, string> = {
  cash: 'Cash',
  receivable: 'Receivable',
  unapplied_cash: 'Unapplied cash',
  reserve: 'Reserve',
  client_payable: 'Client payable',
  client_due: 'Client due',
  fees_receivable: 'Fees receivable',
  fee_income: 'Fee income',
  credit_loss: 'Credit loss',
  fx_clearing: 'FX clearing',
  escrow: 'Escrow',
};

import { Big, displayMoney } from '../money';
import { isPositiveOutcome, listNumbers } from './labels';

export { listNumbers } from './labels';

/**
 * Issue 15 item 1, the funding-side rule: an agreement may name a verification threshold
 * (`verificationThreshold`, in the client's home currency); an invoice above it is funded only
 * when its latest verification record is positive. No threshold (the default): no record is
 * needed, and funding works as it always did. Pure: lib/funding/prepare.ts feeds it the
 * invoices and their latest outcomes from one query.
 */

export interface VerificationRule {
  /** the agreement's `verificationThreshold`, a decimal string; undefined: none */
  threshold: string | undefined;
  /** the client's home currency, which the threshold is in */
  currency: string;
}

export interface InvoiceToCheck {
  number: string;
  faceValue: string | Big;
  currency: string;
  /** the outcome of the invoice's latest verification record, null when it has none */
  latestOutcome: string | null;
}

/**
 * Whether the agreement asks for a positive verification of this invoice before funding: face
 * value above the threshold. An invoice in another currency than the threshold's needs one
 * whenever a threshold is set — Holdback keeps no exchange rate to compare it with, and a
 * missing check is the costlier mistake.
 */
export function verificationRequired(invoice: Pick<InvoiceToCheck, 'faceValue' | 'currency'>, rule: VerificationRule): boolean {
  if (rule.threshold === undefined) return false;
  if (invoice.currency !== rule.currency) return true;
  return new Big(invoice.faceValue).gt(rule.threshold);
}

/** The invoices the rule stops: above the threshold and without a positive latest record. */
export function lackingVerification<T extends InvoiceToCheck>(invoices: readonly T[], rule: VerificationRule): T[] {
  return invoices.filter((i) => verificationRequired(i, rule) && !isPositiveOutcome(i.latestOutcome));
}

/**
 * The refusal a person reads, naming the invoices:
 * "Invoices need a positive verification recorded before funding: Acme's agreement
 * asks for one on invoices above 10,000.00 USD. …"
 */
export function verificationRequiredMessage(
  lacking: readonly Pick<InvoiceToCheck, 'number' | 'currency'>[],
  rule: VerificationRule,
  clientName: string,
): string {
  const numbers = lacking.map((i) => i.number);
  const subject = numbers.length === 1 ? `Invoice ${numbers[0]} needs` : `Invoices ${listNumbers(numbers)} need`;
  const above = rule.threshold === undefined ? '' : `above ${displayMoney(rule.threshold, rule.currency)}`;
  const foreign = lacking.some((i) => i.currency !== rule.currency) ? ` and on every invoice in another currency than ${rule.currency}` : '';
  return (
    `${subject} a positive verification recorded before funding: ${clientName}'s agreement asks for one on invoices ${above}${foreign}. ` +
    'Record the verification on the invoice, or with "Verify invoices" on the Fundings screen.'
  );
}

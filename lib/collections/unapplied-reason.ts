import { Big, displayMoney } from '../money';
import { normalizeInvoiceNumber } from './matching';

/**
 * Issue 15 item 6: why a payment of a bank file was left in the collections inbox instead of being
 * applied on import, in a collector's words — the line is imported either way (a line that cannot
 * be applied no longer refuses the whole file). Pure: the payment, the invoices its reference names
 * (any status) and what the matcher left, in; one sentence out.
 */

export interface ReasonPayment {
  receivedDate: string;
  currency: string;
  amount: string;
  /** what is left to apply after the automatic application */
  unapplied: string;
  reference: string;
  /** the invoice-number tokens of the reference (lib/collections/matching.ts extractInvoiceRefs) */
  tokens: string[];
  /** how many suggestions the matcher kept for the inbox */
  suggestions: number;
}

export interface NamedInvoice {
  number: string;
  status: string;
  currency: string;
  outstanding: string;
  fundingDate: string | null;
}

const OPEN = new Set(['funded', 'disputed']);
const NOT_YET_FUNDED = new Set(['submitted', 'verified']);

function listed(numbers: string[]): string {
  const shown = numbers.slice(0, 3).join(', ');
  return numbers.length > 3 ? `${shown} and ${numbers.length - 3} more` : shown;
}

/** The reason a payment stays unapplied (null when it was applied in full). */
export function unappliedReason(p: ReasonPayment, named: NamedInvoice[]): string | null {
  const left = new Big(p.unapplied);
  if (left.lte(0)) return null;
  const c = p.currency;
  const hint = p.suggestions > 0 ? `; ${p.suggestions === 1 ? 'a suggestion is' : `${p.suggestions} suggestions are`} listed to confirm` : '';
  if (left.lt(p.amount)) {
    return `${displayMoney(left, c)} is left after paying the invoices its reference names; apply the rest or refund it`;
  }
  const tokens = new Set(p.tokens.map(normalizeInvoiceNumber));
  const mine = named.filter((i) => tokens.has(normalizeInvoiceNumber(i.number)));
  if (mine.length === 0) {
    if (p.tokens.length === 0) return `its reference names no invoice number${hint || '; match it to invoices by hand'}`;
    return `no invoice Holdback knows is named in its reference (looked for ${listed(p.tokens)})${hint}`;
  }
  const beforeFunding = mine.filter((i) => OPEN.has(i.status) && i.fundingDate !== null && i.fundingDate > p.receivedDate);
  if (beforeFunding.length > 0) {
    const i = beforeFunding[0]!;
    return `it is dated ${p.receivedDate}, before invoice ${i.number} was funded on ${i.fundingDate}: it cannot pay an invoice the factor had not bought yet${hint}`;
  }
  const otherCurrency = mine.filter((i) => i.currency.trim() !== c);
  if (otherCurrency.length === mine.length) {
    const i = otherCurrency[0]!;
    return `invoice ${i.number} is in ${i.currency.trim()}; the payment is in ${c}${hint}`;
  }
  const notOpen = mine.filter((i) => !OPEN.has(i.status));
  if (notOpen.length === mine.length) {
    const i = notOpen[0]!;
    const why = NOT_YET_FUNDED.has(i.status) ? 'is not funded yet' : `is ${i.status.replace(/_/g, ' ')}`;
    return `invoice ${i.number} ${why}; only funded invoices take payments${hint}`;
  }
  const open = mine.filter((i) => OPEN.has(i.status) && i.currency.trim() === c);
  const owing = open.filter((i) => new Big(i.outstanding).gt(0));
  if (owing.length === 0) return `invoice ${listed(open.map((i) => i.number))} owes nothing any more${hint}`;
  const owed = owing.reduce((s, i) => s.plus(i.outstanding), new Big(0));
  const numbers = listed(owing.map((i) => i.number));
  return `${displayMoney(p.amount, c)} is not what invoice${owing.length === 1 ? '' : 's'} ${numbers} still owe${owing.length === 1 ? 's' : ''} (${displayMoney(owed, c)})${hint || '; apply it by hand'}`;
}

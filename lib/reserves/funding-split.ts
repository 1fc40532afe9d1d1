import type { FeeSchedule } from '../agreements/terms';
import type { EntryInput, LineInput } from '../ledger/post';
import { refused } from '../errors';
import { Big, formatMoney, roundMoney } from '../money';

export interface FundingSplit {
  face: Big;
  /** paid to the client: F × a − serviceFee − (flat fee if taken from the advance) */
  advance: Big;
  /** held back: F − F × a − (flat fee if taken from the reserve) */
  reserve: Big;
  serviceFee: Big;
  flatFee: Big;
  /** fee income booked at funding: service fee + flat fee */
  fees: Big;
}

/**
 * SPEC 5.1: how one invoice's face value splits at funding. Each part is rounded half-up to the
 * currency's minor unit and the parts always add back to the face value exactly.
 */
export function fundingSplit(
  face: Big,
  currency: string,
  terms: { advanceRate: string; serviceFee: string; fees: FeeSchedule },
): FundingSplit {
  const gross = roundMoney(face.times(terms.advanceRate), currency);
  const serviceFee = roundMoney(new Big(terms.serviceFee), currency);
  const flatFee = terms.fees.kind === 'flat' ? roundMoney(face.times(terms.fees.rate), currency) : new Big(0);
  const fromAdvance = terms.fees.kind === 'flat' && terms.fees.deductFrom === 'advance' ? flatFee : new Big(0);
  const fromReserve = terms.fees.kind === 'flat' && terms.fees.deductFrom === 'reserve' ? flatFee : new Big(0);
  const advance = gross.minus(serviceFee).minus(fromAdvance);
  const reserve = face.minus(gross).minus(fromReserve);
  if (advance.lt(0)) {
    throw refused('fees_exceed_advance', `Fees of ${formatMoney(serviceFee.plus(fromAdvance), currency)} exceed the advance of ${formatMoney(gross, currency)}`);
  }
  if (reserve.lt(0)) {
    throw refused('fees_exceed_reserve', `A flat fee of ${formatMoney(fromReserve, currency)} exceeds the reserve of ${formatMoney(face.minus(gross), currency)}`);
  }
  return { face, advance, reserve, serviceFee, flatFee, fees: serviceFee.plus(flatFee) };
}

/**
 * SPEC 5.1 postings for one funded invoice: the purchase (Dr receivable F; Cr client_payable
 * advance; Cr reserve; Cr fee_income) and, as its own entry, the disbursement of the advance
 * (Dr client_payable, Cr cash). Zero parts are left out.
 */
export function fundingEntries(args: {
  invoiceId: number;
  invoiceNumber: string;
  clientId: number;
  currency: string;
  fundingDate: string;
  split: FundingSplit;
}): EntryInput[] {
  const { invoiceId, clientId, currency, fundingDate, split } = args;
  const tag = { currency, clientId, invoiceId };
  const lines: LineInput[] = [{ account: 'receivable', amount: split.face, ...tag }];
  if (split.advance.gt(0)) lines.push({ account: 'client_payable', amount: split.advance.times(-1), ...tag });
  if (split.reserve.gt(0)) lines.push({ account: 'reserve', amount: split.reserve.times(-1), ...tag });
  if (split.fees.gt(0)) lines.push({ account: 'fee_income', amount: split.fees.times(-1), currency, invoiceId });
  const entries: EntryInput[] = [
    {
      effectiveDate: fundingDate,
      kind: 'funding',
      idempotencyKey: `funding:${invoiceId}`,
      clientId,
      invoiceId,
      memo: `Purchase of invoice ${args.invoiceNumber}`,
      lines,
    },
  ];
  if (split.advance.gt(0)) {
    entries.push({
      effectiveDate: fundingDate,
      kind: 'disbursement',
      idempotencyKey: `disbursement:${invoiceId}`,
      clientId,
      invoiceId,
      memo: `Advance paid for invoice ${args.invoiceNumber}`,
      lines: [
        { account: 'client_payable', amount: split.advance, ...tag },
        { account: 'cash', amount: split.advance.times(-1), currency, invoiceId },
      ],
    });
  }
  return entries;
}

import type { AgreementTerms, FeeSchedule } from '../agreements/terms';
import { addDays } from '../dates';
import type { EntryInput, LineInput } from '../ledger/post';
import { refused } from '../errors';
import { Big, ZERO, formatMoney, minorUnits, roundMoney } from '../money';
import { groupBy } from '../group-by';

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
export function fundingSplit(face: Big, currency: string, terms: { advanceRate: string; serviceFee: string; fees: FeeSchedule }): FundingSplit {
  return splitter(currency, terms)(face);
}

/**
 * fundingSplit for many invoices of one currency and agreement: the rates are parsed once, so a
 * 10,000-invoice batch does only the per-invoice arithmetic.
 */
export function splitter(currency: string, terms: { advanceRate: string; serviceFee: string; fees: FeeSchedule }): (face: Big) => FundingSplit {
  const dp = minorUnits(currency);
  const advanceRate = new Big(terms.advanceRate);
  const serviceFee = new Big(terms.serviceFee).round(dp, Big.roundHalfUp);
  const flatRate = terms.fees.kind === 'flat' ? new Big(terms.fees.rate) : null;
  const flatFrom = terms.fees.kind === 'flat' ? terms.fees.deductFrom : null;
  const zero = new Big(0);
  const fixedFees = flatRate ? null : serviceFee;
  return (face: Big): FundingSplit => {
    const gross = face.times(advanceRate).round(dp, Big.roundHalfUp);
    const flatFee = flatRate ? face.times(flatRate).round(dp, Big.roundHalfUp) : zero;
    const fromAdvance = flatFrom === 'advance' ? flatFee : zero;
    const fromReserve = flatFrom === 'reserve' ? flatFee : zero;
    const advance = gross.minus(serviceFee).minus(fromAdvance);
    const reserve = face.minus(gross).minus(fromReserve);
    if (advance.lt(0)) {
      throw refused(
        'fees_exceed_advance',
        `Fees of ${formatMoney(serviceFee.plus(fromAdvance), currency)} exceed the advance of ${formatMoney(gross, currency)}`,
      );
    }
    if (reserve.lt(0)) {
      throw refused(
        'fees_exceed_reserve',
        `A flat fee of ${formatMoney(fromReserve, currency)} exceeds the reserve of ${formatMoney(face.minus(gross), currency)}`,
      );
    }
    return { face, advance, reserve, serviceFee, flatFee, fees: fixedFees ?? serviceFee.plus(flatFee) };
  };
}

export interface InvoiceToFund {
  id: number;
  number: string;
  currency: string;
  face: Big;
}

export interface PlannedInvoice extends FundingSplit {
  invoice: InvoiceToFund;
  /** part of `reserve` that goes into the batch's rolling or capped tranche */
  toTranche: Big;
  /** fixed policy: built toward the target on top of the invoice's own reserve, out of the advance */
  fixedBuild: Big;
}

export interface FundingPlan {
  invoices: PlannedInvoice[];
  /** per currency: what the batch withholds into tranches, and when they mature */
  tranches: { kind: 'rolling' | 'capped' | 'fixed'; currency: string; amount: Big; maturesOn: string | null }[];
  totals: { face: Big; advance: Big; reserve: Big; fees: Big };
}

/** What the client's reserve pools hold now, per currency (before this batch). */
export interface ReservePools {
  capped: Map<string, Big>;
  fixed: Map<string, Big>;
}

/**
 * The whole batch under the agreement's reserve policy (SPEC 5.4):
 * - per_invoice, percent_of_open: the SPEC 5.1 split of each invoice;
 * - rolling: each invoice's reserve goes into the batch's tranche, maturing fundingDate + holdDays;
 * - capped: like rolling, but withholding stops while the pool is at `cap` (the rest is advanced);
 * - fixed: the invoice reserve as usual, plus `buildRate` of face out of the advance until the
 *   pool reaches `target`.
 */
export function planFunding(invoices: InvoiceToFund[], terms: AgreementTerms, fundingDate: string, pools: ReservePools): FundingPlan {
  const policy = terms.reservePolicy;
  const capped = new Map(pools.capped);
  const fixed = new Map(pools.fixed);
  const trancheTotals = new Map<string, Big>();
  const splitters = new Map<string, (face: Big) => FundingSplit>();
  const planned = invoices.map((invoice): PlannedInvoice => {
    let split_ = splitters.get(invoice.currency);
    if (!split_) splitters.set(invoice.currency, (split_ = splitter(invoice.currency, terms)));
    const split = split_(invoice.face);
    let { advance, reserve } = split;
    let toTranche = ZERO;
    let fixedBuild = ZERO;
    if (policy.kind === 'rolling') {
      toTranche = reserve;
    } else if (policy.kind === 'capped') {
      const held = capped.get(invoice.currency) ?? new Big(0);
      const room = new Big(policy.cap).minus(held);
      toTranche = room.lte(0) ? new Big(0) : room.lt(reserve) ? room : reserve;
      // Withholding stops at the cap: what is not withheld is advanced.
      advance = advance.plus(reserve.minus(toTranche));
      reserve = toTranche;
      capped.set(invoice.currency, held.plus(toTranche));
    } else if (policy.kind === 'fixed') {
      const built = fixed.get(invoice.currency) ?? new Big(0);
      const room = new Big(policy.target).minus(built);
      const wanted = roundMoney(invoice.face.times(policy.buildRate), invoice.currency);
      fixedBuild = room.lte(0) ? new Big(0) : room.lt(wanted) ? room : wanted;
      if (fixedBuild.gt(advance)) fixedBuild = advance;
      advance = advance.minus(fixedBuild);
      fixed.set(invoice.currency, built.plus(fixedBuild));
      toTranche = fixedBuild;
    }
    if (toTranche.gt(0)) trancheTotals.set(invoice.currency, (trancheTotals.get(invoice.currency) ?? new Big(0)).plus(toTranche));
    return {
      face: split.face,
      serviceFee: split.serviceFee,
      flatFee: split.flatFee,
      fees: split.fees,
      invoice,
      advance,
      reserve: fixedBuild === ZERO ? reserve : reserve.plus(fixedBuild),
      toTranche,
      fixedBuild,
    };
  });
  const tranches: FundingPlan['tranches'] = [];
  if (policy.kind === 'rolling' || policy.kind === 'capped' || policy.kind === 'fixed') {
    for (const [currency, amount] of trancheTotals) {
      tranches.push({ kind: policy.kind, currency, amount, maturesOn: policy.kind === 'fixed' ? null : addDays(fundingDate, policy.holdDays) });
    }
  }
  const add = (f: (p: PlannedInvoice) => Big) => planned.reduce((t, p) => t.plus(f(p)), new Big(0));
  return {
    invoices: planned,
    tranches,
    totals: { face: add((p) => p.face), advance: add((p) => p.advance), reserve: add((p) => p.reserve), fees: add((p) => p.fees) },
  };
}

/**
 * SPEC 5.1 purchase lines of one invoice: Dr receivable F; Cr client_payable advance; Cr reserve
 * (tagged with the invoice and, for rolling, capped and fixed policies, the tranche); Cr
 * fee_income fees. They balance on their own, so each invoice's sub-ledger balances too.
 */
export function purchaseLines(planned: PlannedInvoice, clientId: number, trancheId: number | null = null): LineInput[] {
  const { invoice } = planned;
  const tag = { currency: invoice.currency, clientId, invoiceId: invoice.id };
  const lines: LineInput[] = [{ account: 'receivable', amount: planned.face, ...tag }];
  if (planned.advance.gt(0)) lines.push({ account: 'client_payable', amount: planned.advance.times(-1), ...tag });
  const ownReserve = planned.reserve.minus(planned.fixedBuild);
  if (planned.fixedBuild.gt(0)) {
    if (ownReserve.gt(0)) lines.push({ account: 'reserve', amount: ownReserve.times(-1), ...tag });
    // The fixed pool belongs to the client, not to this invoice: tagged with its tranche only.
    lines.push({ account: 'reserve', amount: planned.fixedBuild.times(-1), currency: invoice.currency, clientId, trancheId });
  } else if (planned.reserve.gt(0)) {
    lines.push({ account: 'reserve', amount: planned.reserve.times(-1), ...tag, trancheId: planned.toTranche.gt(0) ? trancheId : null });
  }
  if (planned.fees.gt(0)) lines.push({ account: 'fee_income', amount: planned.fees.times(-1), currency: invoice.currency, invoiceId: invoice.id });
  return lines;
}

/**
 * The funding postings of a batch (SPEC 5.1), per currency: the purchase — one entry holding
 * every invoice's balanced purchase lines, tagged with the invoice — and, as its own entry, the
 * disbursement of the advances: one wire to the client (Dr client_payable, Cr cash).
 */
export function fundingEntries(args: {
  planned: PlannedInvoice[];
  clientId: number;
  fundingDate: string;
  batchId: number;
  trancheIds?: Map<string, number>;
}): EntryInput[] {
  const byCurrency = groupBy(args.planned, (p) => p.invoice.currency);
  const entries: EntryInput[] = [];
  for (const [currency, list] of byCurrency) {
    const trancheId = args.trancheIds?.get(currency) ?? null;
    const single = list.length === 1 ? list[0]!.invoice : null;
    entries.push({
      effectiveDate: args.fundingDate,
      kind: 'funding',
      idempotencyKey: `funding:batch:${args.batchId}:${currency}`,
      clientId: args.clientId,
      invoiceId: single?.id ?? null,
      memo: single ? `Purchase of invoice ${single.number} (batch ${args.batchId})` : `Purchase of ${list.length} invoices (batch ${args.batchId})`,
      lines: list.flatMap((p) => purchaseLines(p, args.clientId, trancheId)),
    });
    const advance = list.reduce((t, p) => t.plus(p.advance), new Big(0));
    if (advance.gt(0)) {
      entries.push({
        effectiveDate: args.fundingDate,
        kind: 'disbursement',
        idempotencyKey: `disbursement:batch:${args.batchId}:${currency}`,
        clientId: args.clientId,
        invoiceId: single?.id ?? null,
        memo: `Advance paid for batch ${args.batchId}`,
        lines: [
          { account: 'client_payable', currency, clientId: args.clientId, amount: advance },
          { account: 'cash', currency, amount: advance.times(-1) },
        ],
      });
    }
  }
  return entries;
}

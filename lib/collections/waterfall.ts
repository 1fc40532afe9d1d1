import { Big, ZERO } from '../money';

/**
 * SPEC 5.2: a shortfall charged back to the client is taken from the invoice's own reserve, then
 * from the client's other releasable reserve (oldest first), and what is still missing becomes
 * `client_due`. Pure: the caller reads the balances and posts the result.
 *
 * A reserve source is a sub-ledger the draw is posted to: an invoice's own reserve (lines tagged
 * with the invoice and no tranche), or the invoice's share of a tranche (rolling, capped, fixed
 * policies: lines tagged with the tranche). A tranche is shared by the invoices funded into it
 * and may have been released in part since, so every draw on it is also capped by what the
 * tranche still holds (`trancheLeft`), across all the sources that share it — no draw can take a
 * tranche, an invoice's reserve or the reserve account into debit (issue 11).
 */
export interface ReserveSource {
  invoiceId: number;
  trancheId?: number | null;
  held: Big;
}

export interface Draw {
  invoiceId: number;
  trancheId: number | null;
  amount: Big;
}

export interface Waterfall {
  fromInvoice: Big;
  /** the draws on the invoice's own sources */
  ownDraws: Draw[];
  fromOthers: Draw[];
  clientDue: Big;
}

/** Takes up to `wanted` from the sources in order, each capped by what it and its tranche hold. */
export function drawFrom(wanted: Big, sources: readonly ReserveSource[], trancheLeft: Map<number, Big>): { draws: Draw[]; left: Big } {
  let left = wanted;
  const draws: Draw[] = [];
  for (const s of sources) {
    if (left.lte(0)) break;
    let room = s.held;
    const t = s.trancheId ?? null;
    if (t !== null) {
      const inTranche = trancheLeft.get(t) ?? ZERO;
      if (inTranche.lt(room)) room = inTranche;
    }
    if (room.lte(0)) continue;
    const take = room.lt(left) ? room : left;
    draws.push({ invoiceId: s.invoiceId, trancheId: t, amount: take });
    if (t !== null) trancheLeft.set(t, (trancheLeft.get(t) ?? ZERO).minus(take));
    left = left.minus(take);
  }
  return { draws, left };
}

export function chargebackWaterfall(
  shortfall: Big,
  own: readonly ReserveSource[],
  others: readonly ReserveSource[],
  trancheLeft: Map<number, Big> = new Map(),
): Waterfall {
  if (shortfall.lte(0)) return { fromInvoice: ZERO, ownDraws: [], fromOthers: [], clientDue: ZERO };
  const caps = new Map(trancheLeft);
  const first = drawFrom(shortfall, own, caps);
  const second = drawFrom(first.left, others, caps);
  return {
    fromInvoice: first.draws.reduce((t, d) => t.plus(d.amount), ZERO),
    ownDraws: first.draws,
    fromOthers: second.draws,
    clientDue: second.left,
  };
}

/**
 * Whether a short pay is within the agreement's tolerance (SPEC 2): an amount and/or a percent of
 * the face value; a zero means that part is not used.
 */
export function withinTolerance(shortfall: Big, face: Big, tolerance: { amount: string; percent: string }): boolean {
  if (shortfall.lte(0)) return true;
  const byAmount = new Big(tolerance.amount);
  const byPercent = face.times(tolerance.percent).div(100);
  return (byAmount.gt(0) && shortfall.lte(byAmount)) || (byPercent.gt(0) && shortfall.lte(byPercent));
}

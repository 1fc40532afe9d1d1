import { Big } from '../money';

/**
 * SPEC 5.2: a shortfall charged back to the client is taken from the invoice's own reserve, then
 * from the client's other releasable reserve (oldest first), and what is still missing becomes
 * `client_due`. Pure: the caller reads the balances and posts the result.
 */
export interface ReserveSource {
  invoiceId: number;
  held: Big;
}

export interface Waterfall {
  fromInvoice: Big;
  fromOthers: { invoiceId: number; amount: Big }[];
  clientDue: Big;
}

export function chargebackWaterfall(shortfall: Big, invoiceReserve: Big, others: readonly ReserveSource[]): Waterfall {
  if (shortfall.lte(0)) return { fromInvoice: new Big(0), fromOthers: [], clientDue: new Big(0) };
  const own = invoiceReserve.gt(0) ? invoiceReserve : new Big(0);
  const fromInvoice = own.lt(shortfall) ? own : shortfall;
  let left = shortfall.minus(fromInvoice);
  const fromOthers: Waterfall['fromOthers'] = [];
  for (const o of others) {
    if (left.lte(0)) break;
    if (o.held.lte(0)) continue;
    const take = o.held.lt(left) ? o.held : left;
    fromOthers.push({ invoiceId: o.invoiceId, amount: take });
    left = left.minus(take);
  }
  return { fromInvoice, fromOthers, clientDue: left };
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

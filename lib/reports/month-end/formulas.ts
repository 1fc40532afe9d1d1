import { daysBetween } from '../../dates';
import { dilutionByCurrency, type DilutionFigures } from '../../debtors/figures';
import { Big, ZERO, minorUnits } from '../../money';

/**
 * Issue 16 item 6: the month-end reports' money rules, pure (the queries in this folder feed them
 * sums; the tests work them by hand). Every amount is a Big in the report's currency; currencies
 * are never added together.
 *
 * **Net funds employed** (per client and currency, as of the end of a business date): what the
 * factor has out in the client's receivables net of what it owes the client back —
 *   receivable (purchased receivables, at face) + client_due (owed by the client)
 *   − reserve (held for the client) − client_payable (released, not yet paid out),
 * each the ledger account's balance as of that date (the sum of its lines effective on or
 * before it). Fees earned and not yet taken (fees_receivable) are shown beside it, not in it:
 * they are the factor's income, settled from the reserve, not money advanced.
 *
 * **Ineligibles** (SPEC "borrowing base" practice): each open invoice's outstanding as of the date
 * counts in at most one column, in this order of precedence:
 *  1. past due — more than N days (default 90) since its **invoice date** (the classic factoring
 *     rule; the invoice date, not the due date, so terms cannot stretch it);
 *  2. disputed — a dispute open on that date (opened on or before it, not resolved by it);
 *  3. cross-aged — when more than X % (default 50 %) of a debtor's balance with the client is past
 *     due (1.), every other invoice of that debtor with that client;
 *  4. over limit — what the debtor's remaining balance (after 1–3, all its clients together, one
 *     currency) exceeds the debtor's credit limit by, shared among its clients in proportion to
 *     their remaining balances (cents rounded half up, the rounding left on the largest share).
 * eligible = open receivables − the four columns.
 *
 * **Availability** = eligible × the client's advance rate (its agreement in force on the date),
 * rounded to the cent, − net funds employed. Never shown below zero: a negative is reported as
 * **over-advanced** (the amount the client has been advanced beyond its eligible collateral).
 */

export const DEFAULT_PAST_DUE_DAYS = 90;
export const DEFAULT_CROSS_AGE_PERCENT = '50';

export type IneligibleCategory = 'pastDue' | 'disputed';

/** The invoice-level column of rule 1–2 (rules 3–4 need the debtor's other invoices): null = not ineligible on its own. */
export function invoiceCategory(invoice: { issueDate: string; disputed: boolean }, asOf: string, pastDueDays: number): IneligibleCategory | null {
  if (daysBetween(invoice.issueDate, asOf) > pastDueDays) return 'pastDue';
  if (invoice.disputed) return 'disputed';
  return null;
}

/** One client–debtor pair's open receivables in one currency, split by rules 1–2. */
export interface PairBalance {
  clientId: string;
  debtorId: string;
  currency: string;
  invoices: number;
  /** open receivables (outstanding as of the date) */
  balance: Big;
  /** of which past due (rule 1) */
  pastDue: Big;
  /** of which disputed and not past due (rule 2) */
  disputed: Big;
}

export interface PairIneligibles extends PairBalance {
  crossAged: Big;
  overLimit: Big;
  eligible: Big;
  /** rule 3 applied to the pair */
  isCrossAged: boolean;
}

/** Rule 3: more than `percent` % of the pair's balance past due. */
export function isCrossAged(pair: Pick<PairBalance, 'balance' | 'pastDue'>, percent: Big | string): boolean {
  if (pair.balance.lte(0)) return false;
  return pair.pastDue.times(100).gt(pair.balance.times(percent));
}

/**
 * Rules 3 and 4 over every pair (of all clients: a debtor's limit is shared by its clients).
 * `limits`: each debtor's credit limit (absent: no limit).
 */
export function classifyPairs(pairs: readonly PairBalance[], limits: ReadonlyMap<string, Big>, crossAgePercent: Big | string): PairIneligibles[] {
  const out: PairIneligibles[] = pairs.map((p) => {
    const cross = isCrossAged(p, crossAgePercent);
    const crossAged = cross ? p.balance.minus(p.pastDue).minus(p.disputed) : ZERO;
    return { ...p, crossAged, overLimit: ZERO, eligible: ZERO, isCrossAged: cross };
  });
  const remaining = (p: PairIneligibles) => p.balance.minus(p.pastDue).minus(p.disputed).minus(p.crossAged);
  const byDebtor = new Map<string, PairIneligibles[]>();
  for (const p of out) {
    const key = `${p.debtorId}|${p.currency}`;
    byDebtor.set(key, [...(byDebtor.get(key) ?? []), p]);
  }
  for (const group of byDebtor.values()) {
    const limit = limits.get(group[0]!.debtorId);
    if (limit === undefined) continue;
    const total = group.reduce((s, p) => s.plus(remaining(p)), ZERO);
    const excess = total.minus(limit);
    if (excess.lte(0) || total.lte(0)) continue;
    const places = minorUnits(group[0]!.currency);
    // Proportional shares, the rounding left on the largest remaining balance.
    const ranked = [...group].sort((a, b) => remaining(b).cmp(remaining(a)) || a.clientId.localeCompare(b.clientId));
    let given = ZERO;
    for (const p of ranked.slice(1)) {
      p.overLimit = excess.times(remaining(p)).div(total).round(places, Big.roundHalfUp);
      given = given.plus(p.overLimit);
    }
    ranked[0]!.overLimit = excess.minus(given);
  }
  for (const p of out) p.eligible = remaining(p).minus(p.overLimit);
  return out;
}

export interface Availability {
  /** eligible × advance rate, rounded to the cent */
  borrowingBase: Big;
  /** borrowing base − funds employed, never below zero */
  available: Big;
  /** funds employed − borrowing base when positive, else zero */
  overAdvanced: Big;
}

export function availability(eligible: Big, advanceRate: Big | string, fundsEmployed: Big, currency: string): Availability {
  const borrowingBase = eligible.times(advanceRate).round(minorUnits(currency), Big.roundHalfUp);
  const net = borrowingBase.minus(fundsEmployed);
  return { borrowingBase, available: net.gt(0) ? net : ZERO, overAdvanced: net.lt(0) ? net.times(-1) : ZERO };
}

export interface FundsEmployedParts {
  receivable: Big;
  clientDue: Big;
  reserve: Big;
  clientPayable: Big;
}

/** Net funds employed (see above): receivable + client_due − reserve − client_payable. */
export function netFundsEmployed(p: FundsEmployedParts): Big {
  return p.receivable.plus(p.clientDue).minus(p.reserve).minus(p.clientPayable);
}

/** The days of a month (YYYY-MM). */
export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The last day of a month (YYYY-MM) as YYYY-MM-DD. */
export function monthEnd(month: string): string {
  return `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
}

/**
 * DSO of a month (the count-back-free "sales" method): receivables at the month's end ÷ credit
 * sales in the month (face value of the invoices funded in it) × the month's days, to one decimal
 * (half up). Null when nothing was funded in the month.
 */
export function dso(receivablesAtEnd: Big, creditSales: Big, days: number): string | null {
  if (creditSales.lte(0)) return null;
  return receivablesAtEnd.div(creditSales).times(days).round(1, Big.roundHalfUp).toFixed(1);
}

/**
 * A month's dilution, by lib/debtors/figures.ts's one definition: of what the month took off
 * receivables (every receivable credit, those of charge-backs by recourse and write-offs aside —
 * credit events, not dilution), the share that was not cash: rate = (reduced − collected) ÷ reduced.
 */
export function monthDilution(currency: string, reduced: Big, collected: Big, defaulted: Big): DilutionFigures | null {
  const [figures] = dilutionByCurrency([
    {
      currency,
      invoices: 0,
      openInvoices: 0,
      exposure: '0',
      settledInvoices: 0,
      settledDays: 0,
      settledDaysLate: 0,
      reduced: reduced.toString(),
      collected: collected.toString(),
      defaultedFace: defaulted.toString(),
      defaultedCollected: '0',
    },
  ]);
  return figures ?? null;
}

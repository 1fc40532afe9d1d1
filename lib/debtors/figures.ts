import { Big, formatMoney } from '../money';

/**
 * Issue 13, the debtor page's figures, from the roll-ups of migration 0019 (never a pass over the
 * debtor's invoices). Pure: the sums come in, the figures go out — each defined here once.
 *
 * - **averageDaysToPay**: over the debtor's settled invoices (paid in full: status `settled`), the
 *   mean of settled date − issue date, in days, to one decimal. From the invoice's issue date, not
 *   its funding date: how long the debtor takes to pay an invoice, whoever funded it and when.
 * - **averageDaysBeyondTerms**: the mean days past the due date over the settled invoices
 *   (settled date − due date, an invoice paid early counting 0) and the open invoices already past
 *   due on the day asked about (that day − due date, still running). Open invoices not yet due and
 *   invoices charged back or written off are left out.
 * - **dilution**: of what the debtor's funded invoices were reduced by (face − what is still owed),
 *   the share that was not cash: credit notes, short pays accepted or charged back, disputes settled
 *   by a credit note or a charge-back. rate = (reduced − cash collected) ÷ reduced, per currency.
 *   Invoices charged back by recourse (unpaid) or written off (a default) are credit events, not
 *   dilution: they are left out of both sides and shown as `defaulted`. What is under dispute now is
 *   shown beside it (`disputedOpen`), not counted until it is resolved.
 */

export interface RollupRow {
  currency: string;
  invoices: number;
  openInvoices: number;
  exposure: string;
  settledInvoices: number;
  settledDays: number | string;
  settledDaysLate: number | string;
  reduced: string;
  collected: string;
  defaultedFace: string;
  defaultedCollected: string;
}

export interface OpenPastDue {
  /** open invoices whose due date is before the day asked about */
  invoices: number;
  /** Σ (that day − due date) over them */
  days: number;
}

export interface DilutionFigures {
  currency: string;
  /** the debtor's invoices in this currency (any status) */
  invoices: number;
  /** Σ face − outstanding of funded invoices, those charged back or written off aside */
  reduced: string;
  /** cash applied to those invoices */
  collected: string;
  /** reduced − collected: credits, short pays, disputes settled without cash */
  dilutive: string;
  /** dilutive ÷ reduced, 4 places; null when nothing was reduced */
  rate: string | null;
  /** face − cash of invoices charged back by recourse or written off */
  defaulted: string;
  /** what open disputes hold now */
  disputedOpen: string;
}

/** A mean to one decimal (half up), or null when there is nothing to average. */
export function meanDays(total: number, count: number): string | null {
  if (count <= 0) return null;
  return new Big(total).div(count).round(1, Big.roundHalfUp).toFixed(1);
}

export function averageDaysToPay(rows: readonly Pick<RollupRow, 'settledInvoices' | 'settledDays'>[]): string | null {
  const count = rows.reduce((n, r) => n + r.settledInvoices, 0);
  const days = rows.reduce((n, r) => n + Number(r.settledDays), 0);
  return meanDays(days, count);
}

export function averageDaysBeyondTerms(rows: readonly Pick<RollupRow, 'settledInvoices' | 'settledDaysLate'>[], open: OpenPastDue): string | null {
  const count = rows.reduce((n, r) => n + r.settledInvoices, 0) + open.invoices;
  const days = rows.reduce((n, r) => n + Number(r.settledDaysLate), 0) + open.days;
  return meanDays(days, count);
}

/** Dilution per currency (rows of one currency are added first; currencies never are). */
export function dilutionByCurrency(rows: readonly RollupRow[], disputedOpen: ReadonlyMap<string, string> = new Map()): DilutionFigures[] {
  const zero = () => ({ invoices: 0, reduced: new Big(0), collected: new Big(0), defaultedFace: new Big(0), defaultedCollected: new Big(0) });
  const byCurrency = new Map<string, ReturnType<typeof zero>>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? zero();
    t.invoices += r.invoices;
    t.reduced = t.reduced.plus(r.reduced);
    t.collected = t.collected.plus(r.collected);
    t.defaultedFace = t.defaultedFace.plus(r.defaultedFace);
    t.defaultedCollected = t.defaultedCollected.plus(r.defaultedCollected);
    byCurrency.set(r.currency, t);
  }
  for (const c of disputedOpen.keys()) if (!byCurrency.has(c)) byCurrency.set(c, zero());
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([currency, t]) => !t.reduced.eq(0) || !t.collected.eq(0) || !t.defaultedFace.eq(0) || disputedOpen.has(currency))
    .map(([currency, t]) => {
      const cash = t.collected.minus(t.defaultedCollected);
      const dilutive = t.reduced.minus(cash);
      return {
        currency,
        invoices: t.invoices,
        reduced: formatMoney(t.reduced, currency),
        collected: formatMoney(cash, currency),
        dilutive: formatMoney(dilutive, currency),
        rate: t.reduced.gt(0) ? dilutive.div(t.reduced).round(4, Big.roundHalfUp).toFixed(4) : null,
        defaulted: formatMoney(t.defaultedFace.minus(t.defaultedCollected), currency),
        disputedOpen: formatMoney(new Big(disputedOpen.get(currency) ?? '0'), currency),
      };
    });
}

/**
 * The one dilution rate of the API's `dilution`: the rate of the debtor's only currency; with
 * several, the rate of the currency most of its invoices are in (each currency's rate is in
 * `dilutionByCurrency` — amounts in different currencies are never added). Null when nothing was
 * reduced.
 */
export function headlineDilution(figures: readonly DilutionFigures[]): string | null {
  const ranked = figures.filter((f) => f.rate !== null).sort((a, b) => b.invoices - a.invoices || a.currency.localeCompare(b.currency));
  return ranked[0]?.rate ?? null;
}

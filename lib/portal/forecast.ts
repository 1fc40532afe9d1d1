import { addDays, daysBetween, maxDate } from '../dates';
import { Big, ZERO, formatMoney } from '../money';
import { isReleaseDue } from '../releases/releasable';

/**
 * When the reserve held today is expected back (issue 7): for each invoice or tranche, the date
 * its reserve becomes eligible — an open invoice when its debtor is expected to pay, then the risk
 * tier's holding period; a settled one after its holding period; a tranche on maturity — moved to
 * the first release cycle on or after it by the client's cadence. Disputed invoices and fixed
 * reserves have no date. A forecast, not a promise: fees and short pays still come out of the reserve.
 *
 * When an open invoice is expected to be paid (issue 14, item 6):
 * - A debtor's average days late is used only with MIN_HISTORY settled invoices behind it; with
 *   fewer, one early or late payment (perhaps on another client's invoice) is not a habit, and the
 *   due date alone counts.
 * - Already past due on `today`: expected from today, plus whatever of the debtor's average lateness
 *   is still to come — today + max(0, average days late − days past due). An invoice 18 days past
 *   due is expected from today, not from due − 23 for a debtor that pays 23 days early; one 4 days
 *   past due for a debtor 10 days late on average is expected 6 days from today. An early payer's
 *   average never pulls an overdue invoice before today, and so never before its due date either.
 * - Not yet due: due date + the debtor's average (early payers: earlier), never before today.
 */
export type Cadence = { cadence: 'weekly' | 'biweekly' | 'monthly' | 'on_collection'; anchorDate: string };

export interface ForecastSource {
  kind: 'invoice' | 'tranche' | 'pool';
  label: string;
  currency: string;
  held: string;
  /** invoices: open, settled, disputed; tranches: rolling/capped or fixed */
  status: 'open' | 'settled' | 'disputed' | 'tranche' | 'fixed' | 'pool';
  dueDate?: string | null;
  settledDate?: string | null;
  maturesOn?: string | null;
  /** the debtor's average whole days paid after the due date (negative: early); null without history */
  debtorDaysLate?: number | null;
  /** how many settled invoices that average is over; it is used from MIN_HISTORY on */
  debtorSettledInvoices?: number | null;
}

/**
 * Settled invoices a debtor needs before its average days late moves a forecast: below it, one
 * or two payments (one early payment on another client's invoice) would read as a habit.
 */
export const MIN_HISTORY = 5;

export interface ForecastItem {
  label: string;
  currency: string;
  held: string;
  expectedBack: string | null;
  why: string;
}

export interface ForecastBucket {
  month: string;
  currency: string;
  amount: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** When an open invoice is expected to be paid, and why in the client's words (rules: module comment). */
export function expectedPayment(
  s: Pick<ForecastSource, 'dueDate' | 'debtorDaysLate' | 'debtorSettledInvoices'> & { dueDate: string },
  today: string,
): { date: string; why: string } {
  const paid = s.debtorSettledInvoices ?? 0;
  const average = s.debtorDaysLate ?? null;
  // the average only counts with enough history behind it
  const late = average !== null && paid >= MIN_HISTORY ? average : null;
  const habit = (days: number) =>
    days === 0 ? 'pays on the due date on average' : `pays ${plural(Math.abs(days), 'day', 'days')} ${days < 0 ? 'early' : 'late'} on average`;
  const pastDue = daysBetween(s.dueDate, today);
  if (pastDue > 0) {
    // overdue: from today, plus what is left of a late payer's average; an early payer's never pulls it back
    const still = late === null ? 0 : Math.max(0, late - pastDue);
    const when = `${plural(pastDue, 'day', 'days')} past due on ${today}`;
    return late !== null && still > 0
      ? { date: addDays(today, still), why: `${when}; this debtor ${habit(late)}: expected ${plural(still, 'day', 'days')} from today` }
      : { date: today, why: `${when}; expected from today` };
  }
  if (late !== null) return { date: maxDate(today, addDays(s.dueDate, late)), why: `due ${s.dueDate}; this debtor ${habit(late)}` };
  return {
    date: s.dueDate,
    why:
      average === null || paid === 0
        ? `due ${s.dueDate}; no payment history for this debtor yet`
        : `due ${s.dueDate}; too little payment history for this debtor to adjust (${plural(paid, 'paid invoice', 'paid invoices')})`,
  };
}

/** The first cycle date on or after `date` by the cadence (a year ahead at most). */
export function nextCycleOnOrAfter(schedule: Cadence, date: string): string {
  let d = maxDate(date, schedule.anchorDate);
  for (let i = 0; i < 400; i += 1) {
    if (isReleaseDue(schedule, d)) return d;
    d = addDays(d, 1);
  }
  return d;
}

export function forecastReserve(
  sources: ForecastSource[],
  input: { today: string; holdDays: number; schedule: Cadence },
): { items: ForecastItem[]; buckets: ForecastBucket[]; unscheduled: { currency: string; amount: string }[] } {
  const { today, holdDays, schedule } = input;
  const items: ForecastItem[] = sources
    .filter((s) => new Big(s.held).gt(0))
    .map((s) => {
      let eligible: string | null = null;
      let why: string;
      if (s.status === 'open' && s.dueDate) {
        const pays = expectedPayment({ ...s, dueDate: s.dueDate }, today);
        eligible = addDays(pays.date, holdDays);
        why = pays.why;
      } else if (s.status === 'settled') {
        eligible = maxDate(today, addDays(s.settledDate ?? today, holdDays));
        why = `settled ${s.settledDate ?? ''}`.trim();
      } else if (s.status === 'tranche' && s.maturesOn) {
        eligible = maxDate(today, s.maturesOn);
        why = `matures ${s.maturesOn}`;
      } else if (s.status === 'disputed') {
        why = 'in dispute: released once the dispute is resolved';
      } else {
        why = 'held for the agreement (released by review)';
      }
      if (eligible && holdDays > 0 && s.status !== 'tranche') why += `, then a ${holdDays}-day holding period`;
      return {
        label: s.label,
        currency: s.currency,
        held: formatMoney(new Big(s.held), s.currency),
        expectedBack: eligible ? nextCycleOnOrAfter(schedule, eligible) : null,
        why,
      };
    })
    .sort((a, b) => (a.expectedBack ?? '9999').localeCompare(b.expectedBack ?? '9999') || a.label.localeCompare(b.label));
  const byMonth = new Map<string, Big>();
  const none = new Map<string, Big>();
  for (const item of items) {
    if (item.expectedBack) {
      const key = `${item.expectedBack.slice(0, 7)}|${item.currency}`;
      byMonth.set(key, (byMonth.get(key) ?? ZERO).plus(item.held));
    } else {
      none.set(item.currency, (none.get(item.currency) ?? ZERO).plus(item.held));
    }
  }
  const buckets = [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, amount]) => {
      const [month, currency] = key.split('|') as [string, string];
      return { month, currency, amount: formatMoney(amount, currency) };
    });
  return { items, buckets, unscheduled: [...none.entries()].map(([currency, amount]) => ({ currency, amount: formatMoney(amount, currency) })) };
}

import { addDays, maxDate } from '../dates';
import { Big, ZERO, formatMoney } from '../money';
import { isReleaseDue } from '../releases/releasable';

/**
 * When the reserve held today is expected back (issue 7): for each invoice or tranche, the date
 * its reserve becomes eligible — an open invoice when its debtor is expected to pay (due date plus
 * that debtor's average days late, never before today) and then the risk tier's holding period;
 * a settled one after its holding period; a tranche on maturity — moved to the first release
 * cycle on or after it by the client's cadence. Disputed invoices and fixed reserves have no
 * date. A forecast, not a promise: fees and short pays still come out of the reserve.
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
}

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
        const late = s.debtorDaysLate ?? 0;
        const pays = maxDate(today, addDays(s.dueDate, late));
        eligible = addDays(pays, holdDays);
        why =
          s.debtorDaysLate === null || s.debtorDaysLate === undefined
            ? `due ${s.dueDate}; no payment history for this debtor yet`
            : `due ${s.dueDate}; this debtor pays ${Math.abs(late)} days ${late < 0 ? 'early' : 'late'} on average`;
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

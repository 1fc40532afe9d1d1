import type { ReservePolicy } from '../agreements/terms';
import { addMonths, daysBetween } from '../dates';
import { CLIENT_FEE_WORDS } from '../fees/client-fees';
import { Big, ZERO, formatMoney } from '../money';

/**
 * SPEC 5.3 / 5.4: what a release cycle on `asOf` would release for one client in one currency,
 * as a pure function of the reserve's state — with a breakdown a person can read.
 *
 *   releasable = eligible reserve (settled invoices, matured tranches, or the excess over a
 *                percent-of-open requirement)
 *              − unsettled fees − client_due (offsets: paid out of the reserve first)
 *              − holdbacks (disputed exposure, the minimum reserve balance)
 *   never below zero.
 */
export type SourceState =
  /** a settled (or otherwise closed) invoice's remaining reserve */
  | 'closed'
  /** closed, but still inside the risk tier's holding period */
  | 'holding'
  | 'open'
  | 'disputed'
  /** a rolling/capped tranche past its maturity date */
  | 'matured'
  | 'immature'
  /** a fixed reserve's pool: released only by manual review */
  | 'fixed'
  /** reserve not tied to an invoice or tranche */
  | 'pool';

/**
 * A part of a client's reserve as a release sees it: an invoice's own reserve, a tranche, the
 * pool not tied to either, or (for a cycle over many clients) a group of them — with its state
 * under the release rules. (Not lib/collections' waterfall source, which is a sub-ledger a
 * chargeback draws on.)
 */
export interface ReleaseSource {
  kind: 'invoice' | 'tranche' | 'pool' | 'group';
  id: string | null;
  label: string;
  state: SourceState;
  held: Big;
  /** for aggregated groups (a cycle over many clients): how many invoices or tranches */
  count?: number;
  /** oldest first when the release is posted */
  order?: string;
}

export interface ReleaseState {
  currency: string;
  policy: ReservePolicy;
  minimumReserveBalance: Big;
  /**
   * "Fees due" (lib/fees/client-fees.ts): fees charged and not yet taken — a settled invoice's
   * fee its reserve did not cover, a minimum fee; offset at the release
   */
  feesDue: Big;
  /** "Fees accrued on open invoices": shown beside feesDue, never offset (each invoice's reserve pays its own) */
  feesAccruedOnOpen: Big;
  clientDue: Big;
  openReceivables: Big;
  /** open disputes' amounts beyond the disputed invoices' own reserve */
  disputedExposure: Big;
  sources: ReleaseSource[];
}

export interface BreakdownLine {
  kind: 'eligible' | 'held' | 'offset' | 'holdback';
  label: string;
  amount: string;
  sourceId?: string | null;
}

export interface Releasable {
  currency: string;
  held: Big;
  eligible: Big;
  feesDue: Big;
  feesAccruedOnOpen: Big;
  clientDue: Big;
  onOpenInvoices: Big;
  holdbacks: Big;
  releasable: Big;
  /** offsets actually covered by the eligible reserve (paid out of it at release) */
  offsets: { fees: Big; clientDue: Big };
  lines: BreakdownLine[];
}

const max0 = (b: Big) => (b.gt(0) ? b : ZERO);
const min = (a: Big, b: Big) => (a.lt(b) ? a : b);

/** Whether a source's reserve may be released under the policy (good standing: no client_due). */
export function isEligible(source: ReleaseSource, policy: ReservePolicy, goodStanding: boolean): boolean {
  switch (source.state) {
    case 'closed':
      return policy.kind !== 'percent_of_open';
    case 'matured':
      return goodStanding;
    default:
      return false;
  }
}

export function computeReleasable(state: ReleaseState): Releasable {
  const c = state.currency;
  const money = (b: Big) => formatMoney(b, c);
  const lines: BreakdownLine[] = [];
  const held = state.sources.reduce((s, x) => s.plus(x.held), ZERO);
  const onOpenInvoices = state.sources.filter((s) => s.state === 'open' || s.state === 'disputed').reduce((s, x) => s.plus(x.held), ZERO);
  const goodStanding = state.clientDue.lte(0);
  let eligible = ZERO;
  if (state.policy.kind === 'percent_of_open') {
    const required = state.openReceivables.times(state.policy.rate).round(2, Big.roundUp);
    eligible = max0(held.minus(required));
    lines.push({
      kind: 'held',
      label: `Required: ${state.policy.rate} of open receivables ${money(state.openReceivables)}`,
      amount: money(min(held, required)),
    });
    if (eligible.gt(0)) lines.push({ kind: 'eligible', label: 'Reserve above the percent-of-open requirement', amount: money(eligible) });
  } else {
    for (const s of state.sources) {
      const ok = isEligible(s, state.policy, goodStanding);
      if (ok) eligible = eligible.plus(s.held);
      const why =
        s.state === 'closed'
          ? 'settled'
          : s.state === 'holding'
            ? 'settled, inside the holding period'
            : s.state === 'open'
              ? 'invoice still open'
              : s.state === 'disputed'
                ? 'invoice disputed: locked'
                : s.state === 'matured'
                  ? goodStanding
                    ? 'tranche matured'
                    : 'tranche matured, but the client owes chargebacks'
                  : s.state === 'immature'
                    ? 'tranche not yet matured'
                    : s.state === 'fixed'
                      ? 'fixed reserve: released by manual review only'
                      : 'held';
      lines.push({
        kind: ok ? 'eligible' : 'held',
        label: `${s.label} — ${why}${s.count && s.count > 1 ? ` (${s.count})` : ''}`,
        amount: money(s.held),
        sourceId: s.id,
      });
    }
  }
  // Offsets come out of the eligible reserve first (SPEC 5.3).
  const feesOffset = min(eligible, max0(state.feesDue));
  const dueOffset = min(eligible.minus(feesOffset), max0(state.clientDue));
  if (state.feesDue.gt(0)) lines.push({ kind: 'offset', label: CLIENT_FEE_WORDS.due, amount: money(state.feesDue.times(-1)) });
  if (state.clientDue.gt(0)) lines.push({ kind: 'offset', label: 'Owed by the client (chargebacks)', amount: money(state.clientDue.times(-1)) });
  let candidate = eligible.minus(state.feesDue).minus(state.clientDue);
  let holdbacks = ZERO;
  if (state.disputedExposure.gt(0)) {
    lines.push({ kind: 'holdback', label: 'Disputed invoices beyond their own reserve', amount: money(state.disputedExposure.times(-1)) });
    holdbacks = holdbacks.plus(state.disputedExposure);
    candidate = candidate.minus(state.disputedExposure);
  }
  // The minimum reserve balance must remain after the release and the offsets it pays.
  const cap = held.minus(feesOffset).minus(dueOffset).minus(state.minimumReserveBalance);
  if (state.minimumReserveBalance.gt(0) && candidate.gt(0) && candidate.gt(cap)) {
    const minHold = candidate.minus(max0(cap));
    lines.push({ kind: 'holdback', label: `Minimum reserve balance ${money(state.minimumReserveBalance)}`, amount: money(minHold.times(-1)) });
    holdbacks = holdbacks.plus(minHold);
    candidate = candidate.minus(minHold);
  }
  const releasable = max0(candidate);
  return {
    currency: c,
    held,
    eligible,
    feesDue: state.feesDue,
    feesAccruedOnOpen: state.feesAccruedOnOpen,
    clientDue: state.clientDue,
    onOpenInvoices,
    holdbacks,
    releasable,
    offsets: { fees: feesOffset, clientDue: dueOffset },
    lines,
  };
}

/**
 * Which eligible sources a release of `amount` (plus its offsets) is drawn from: oldest first,
 * so what stays held is the most recent. Percent-of-open draws from settled invoices first, then
 * open ones and the pool — the requirement is on the total.
 */
export function drawPlan(state: ReleaseState, result: Releasable, amount: Big): { sourceId: string | null; kind: ReleaseSource['kind']; amount: Big }[] {
  let left = amount.plus(result.offsets.fees).plus(result.offsets.clientDue);
  const goodStanding = state.clientDue.lte(0);
  const candidates =
    state.policy.kind === 'percent_of_open'
      ? [...state.sources].sort((a, b) => rank(a) - rank(b) || (a.order ?? '').localeCompare(b.order ?? ''))
      : state.sources.filter((s) => isEligible(s, state.policy, goodStanding)).sort((a, b) => (a.order ?? '').localeCompare(b.order ?? ''));
  const plan: { sourceId: string | null; kind: ReleaseSource['kind']; amount: Big }[] = [];
  for (const s of candidates) {
    if (left.lte(0)) break;
    if (s.held.lte(0)) continue;
    const take = min(s.held, left);
    plan.push({ sourceId: s.id, kind: s.kind, amount: take });
    left = left.minus(take);
  }
  return plan;
}

function rank(s: ReleaseSource): number {
  return s.state === 'closed' ? 0 : s.state === 'pool' ? 1 : 2;
}

/**
 * SPEC 2 release schedule: is a cycle due for this client on `asOf`? Weekly and biweekly count
 * from the anchor date; monthly falls on the anchor's day of the month (the last day in shorter
 * months); on_collection releases every business day.
 */
export function isReleaseDue(schedule: { cadence: 'weekly' | 'biweekly' | 'monthly' | 'on_collection'; anchorDate: string }, asOf: string): boolean {
  if (schedule.cadence === 'on_collection') return true;
  const days = daysBetween(schedule.anchorDate, asOf);
  if (days < 0) return false;
  if (schedule.cadence === 'weekly') return days % 7 === 0;
  if (schedule.cadence === 'biweekly') return days % 14 === 0;
  const months =
    (Number(asOf.slice(0, 4)) - Number(schedule.anchorDate.slice(0, 4))) * 12 + (Number(asOf.slice(5, 7)) - Number(schedule.anchorDate.slice(5, 7)));
  return months >= 0 && addMonths(schedule.anchorDate, months) === asOf;
}

/** SPEC 5.4 / seeds 004: the reserve schedule by risk score (configurable in settings). */
export interface RiskTier {
  minScore: number;
  maxScore: number;
  rate: string;
  holdDays: number;
  release: 'automatic' | 'review' | 'manual';
}

export const DEFAULT_RISK_SCHEDULE: RiskTier[] = [
  { minScore: 90, maxScore: 100, rate: '0.05', holdDays: 30, release: 'automatic' },
  { minScore: 80, maxScore: 89, rate: '0.10', holdDays: 60, release: 'automatic' },
  { minScore: 70, maxScore: 79, rate: '0.15', holdDays: 90, release: 'review' },
  { minScore: 60, maxScore: 69, rate: '0.20', holdDays: 180, release: 'review' },
  { minScore: 0, maxScore: 59, rate: '1.00', holdDays: 180, release: 'manual' },
];

/** A client without a risk score is not tiered: automatic release, no extra holding period. */
export function riskTier(schedule: readonly RiskTier[], score: number | undefined | null): RiskTier | null {
  if (score === undefined || score === null) return null;
  return schedule.find((t) => score >= t.minScore && score <= t.maxScore) ?? null;
}

import type { Tx } from '../../db/client';
import { assertClientScope, type Actor } from '../auth/actor';
import { parseBusinessDate } from '../dates';
import { notFound } from '../errors';
import { type Big, ZERO, formatMoney } from '../money';
import { openProposals } from './open-proposals';
import { computeReleasable, type BreakdownLine, type Releasable } from './releasable';
import { loadReleaseStates } from './state';

export interface ReserveBalance {
  currency: string;
  held: string;
  releasable: string;
  /** "Fees due" (lib/fees/client-fees.ts): charged and not yet taken; offset at the next release */
  feesDue: string;
  /** "Fees accrued on open invoices": earned to date on invoices not yet settled; each taken when its invoice is paid */
  feesAccruedOnOpen: string;
  clientDue: string;
  onOpenInvoices: string;
  eligible: string;
  holdbacks: string;
  /** an open proposal waiting for approval, already counted against `releasable` */
  pendingApproval?: string;
  breakdown: BreakdownLine[];
}

function balanceView(r: Releasable): ReserveBalance {
  const c = r.currency;
  return {
    currency: c,
    held: formatMoney(r.held, c),
    releasable: formatMoney(r.releasable, c),
    feesDue: formatMoney(r.feesDue, c),
    feesAccruedOnOpen: formatMoney(r.feesAccruedOnOpen, c),
    clientDue: formatMoney(r.clientDue, c),
    onOpenInvoices: formatMoney(r.onOpenInvoices, c),
    eligible: formatMoney(r.eligible, c),
    holdbacks: formatMoney(r.holdbacks, c),
    breakdown: r.lines,
  };
}

/**
 * API.md GET /clients/{id}/reserve?asOf — the reserve as it was on asOf, and what a cycle on
 * asOf, run now, would release: never more than the reserve still holds whatever the dates
 * (a later release or chargeback may have used it since) and net of proposals still waiting
 * for approval (SPEC 5.3: releases pending or approved count against what is releasable).
 *
 * Errors: 400 `invalid_date` (asOf); 404 `not_found` (no such client, or another client's for a
 * client user).
 */
export async function reserveReport(
  tx: Tx,
  clientId: number,
  asOf: string,
  actor: Actor,
  /**
   * known: the caller has just read the client (not read again). detail false: the breakdown names
   * groups of sources (settled invoices, open invoices, …), not each invoice — the same figures
   * (the simulation checks it), for a page that shows the figures only (the portal).
   */
  options: { known?: boolean; detail?: boolean } = {},
): Promise<{ clientId: string; asOf: string; balances: ReserveBalance[]; releaseMode: string; riskScore: number | null }> {
  assertClientScope(actor, clientId);
  const date = parseBusinessDate(asOf, 'asOf');
  if (!options.known) {
    const [client] = await tx.sql`select id from clients where id = ${clientId}`;
    if (!client) throw notFound('Client', clientId);
  }
  // Issue 13: the state as of the date and as it is now from one set of reads (`both`), not two loads.
  const [states, pending] = await Promise.all([
    loadReleaseStates(tx, [clientId], date, { detail: options.detail ?? true, money: 'both' }),
    openProposals(tx, [clientId]),
  ]);
  const ctx = states.get(clientId);
  return {
    clientId: String(clientId),
    asOf: date,
    balances: (ctx?.states ?? []).map((s) => {
      const asThen = computeReleasable(s);
      const nowState = ctx?.statesNow.find((n) => n.currency === s.currency);
      const decided = releasableNow(
        nowState ? computeReleasable(nowState).releasable : ZERO,
        asThen.releasable,
        s.currency,
        pending.get(`${clientId}|${s.currency}`),
      );
      const view = balanceView({ ...asThen, releasable: decided.releasable, lines: [...asThen.lines, ...decided.lines] });
      return { ...view, pendingApproval: formatMoney(decided.pending, s.currency) };
    }),
    releaseMode: ctx?.tier?.release ?? 'automatic',
    riskScore: ctx?.terms.riskScore ?? null,
  };
}

/**
 * What may be released now for a cycle dated in the past: the lesser of what was releasable
 * then and what the reserve holds for it now, less an open proposal — with the reasons as
 * breakdown lines. Never below zero.
 */
export function releasableNow(
  now: Big,
  asThen: Big,
  currency: string,
  pending?: { id: number; amount: Big },
): { releasable: Big; pending: Big; lines: BreakdownLine[] } {
  const lines: BreakdownLine[] = [];
  let releasable = asThen;
  if (now.lt(releasable)) {
    lines.push({
      kind: 'holdback',
      label: 'Released or drawn since that date (later releases, chargebacks, fees)',
      amount: formatMoney(releasable.minus(now).times(-1), currency),
    });
    releasable = now;
  }
  const pendingAmount = pending?.amount ?? ZERO;
  if (pendingAmount.gt(0)) {
    const counted = pendingAmount.lt(releasable) ? pendingAmount : releasable;
    lines.push({ kind: 'holdback', label: `Proposed in release ${pending!.id}, waiting for approval`, amount: formatMoney(counted.times(-1), currency) });
    releasable = releasable.minus(counted);
  }
  return { releasable: releasable.gt(0) ? releasable : ZERO, pending: pendingAmount, lines };
}

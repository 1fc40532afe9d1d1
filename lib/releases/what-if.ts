import { z } from 'zod';
import type { Tx } from '../../db/client';
import { agreementTermsSchema, type AgreementTerms } from '../agreements/terms';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { parseBusinessDate } from '../dates';
import { DomainError, notFound } from '../errors';
import { type Big, ZERO, formatMoney } from '../money';
import { riskSchedule, validateRiskSchedule } from '../settings';
import { invalidInput } from '../validation';
import { openProposals } from './open-proposals';
import { computeReleasable, riskTier, type RiskTier } from './releasable';
import { releasableNow } from './reserve-report';
import { loadReleaseStates, loadReleaseTerms, type ClientReleaseContext, type ProposedTerms } from './state';

/**
 * Issue 16 item 2: what a change of the risk schedule (Settings) or of one client's terms (an
 * agreement change) would do to the live portfolio, before it is applied — each affected
 * client's reserve held and releasable per currency before and after, the totals, and which
 * clients' next release would change. Computed by the release calculation itself
 * (lib/releases/state.ts `loadReleaseStates` with the proposed schedule or terms read in place of
 * the saved ones, then `computeReleasable` and `releasableNow` exactly as the reserve report
 * does), so the "after" figures are by construction what the reserve report answers once the
 * change is applied. Read only: the transaction is set READ ONLY first, nothing is written.
 * Set-based: a fixed number of reads whatever the number of clients (two state loads).
 */

export const whatIfInputSchema = z
  .object({
    /** the proposed risk schedule (as Settings saves it), or … */
    riskSchedule: z.array(z.unknown(), { error: 'Risk schedule must be a list of tiers' }).optional(),
    /** … one client's proposed terms (as an agreement change proposes them) */
    clientId: z.union([z.string(), z.number()], { error: 'Client must be a client id' }).optional(),
    terms: z.unknown().optional(),
    asOf: z.string({ error: 'As of must be a date written YYYY-MM-DD' }).optional(),
    page: z
      .number({ error: 'Page must be a whole number' })
      .int({ error: 'Page must be a whole number' })
      .min(1, { error: 'Page must be 1 or more' })
      .optional(),
    pageSize: z
      .number({ error: 'Page size must be a whole number between 1 and 500' })
      .int({ error: 'Page size must be a whole number between 1 and 500' })
      .min(1, { error: 'Page size must be a whole number between 1 and 500' })
      .max(500, { error: 'Page size must be a whole number between 1 and 500' })
      .optional(),
  })
  .refine((v) => (v.riskSchedule !== undefined) !== (v.clientId !== undefined || v.terms !== undefined), {
    error: 'Give either a risk schedule, or a client and its proposed terms',
    path: ['riskSchedule'],
  })
  .refine((v) => v.riskSchedule !== undefined || (v.clientId !== undefined && v.terms !== undefined), {
    error: 'A client what-if needs both the client and its proposed terms',
    path: ['terms'],
  });
export type WhatIfInput = z.input<typeof whatIfInputSchema>;

export interface WhatIfFigures {
  held: string;
  releasable: string;
}

export interface WhatIfClientRow {
  clientId: string;
  clientName: string;
  currency: string;
  before: WhatIfFigures & { releaseMode: string };
  after: WhatIfFigures & { releaseMode: string };
  /** the next release would differ (releasable or release mode) */
  changes: boolean;
}

export interface WhatIfAnswer {
  asOf: string;
  kind: 'risk_schedule' | 'client_terms';
  /** clients whose terms or tier the change touches */
  clientsAffected: number;
  /** … and of those, whose next release would differ */
  clientsChanged: number;
  totals: { currency: string; before: WhatIfFigures; after: WhatIfFigures }[];
  page: number;
  pageSize: number;
  /** rows in all pages */
  rowCount: number;
  /** one row per affected client and currency, by client id; `page`/`pageSize` over them */
  rows: WhatIfClientRow[];
}

interface Figures {
  held: Big;
  releasable: Big;
}

/**
 * Per client and currency: held (as of the date) and what a cycle on that date would release now
 * (less an open proposal) — the reserve report's own computation (lib/releases/reserve-report.ts).
 */
function figuresOf(ctxs: Map<number, ClientReleaseContext>, pending: Awaited<ReturnType<typeof openProposals>>): Map<string, Figures> {
  const out = new Map<string, Figures>();
  for (const ctx of ctxs.values()) {
    for (const s of ctx.states) {
      const asThen = computeReleasable(s);
      const nowState = ctx.statesNow.find((n) => n.currency === s.currency);
      const decided = releasableNow(
        nowState ? computeReleasable(nowState).releasable : ZERO,
        asThen.releasable,
        s.currency,
        pending.get(`${ctx.clientId}|${s.currency}`),
      );
      out.set(`${ctx.clientId}|${s.currency}`, { held: asThen.held, releasable: decided.releasable });
    }
  }
  return out;
}

const sameTier = (a: RiskTier | null, b: RiskTier | null) =>
  a === b || (a !== null && b !== null && a.rate === b.rate && a.holdDays === b.holdDays && a.release === b.release);

export async function whatIf(tx: Tx, input: unknown, actor: Actor, today: string): Promise<WhatIfAnswer> {
  const parsed = whatIfInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const v = parsed.data;
  // Nothing here writes; the database refuses it if anything tried.
  await tx.sql`set transaction read only`;
  const asOf = parseBusinessDate(v.asOf ?? today, 'asOf');
  let kind: WhatIfAnswer['kind'];
  let ids: number[];
  let proposed: ProposedTerms;
  if (v.riskSchedule !== undefined) {
    requirePermission(actor, 'settings.edit');
    kind = 'risk_schedule';
    const schedule = validateRiskSchedule(v.riskSchedule);
    const current = await riskSchedule(tx);
    // Only clients with a risk score are tiered; of those, the ones whose tier the change moves.
    const scored = await tx.sql<{ client_id: string }[]>`
      select distinct client_id from agreements where status = 'approved' and terms ? 'riskScore' and terms->>'riskScore' is not null`;
    const terms = await loadReleaseTerms(
      tx,
      scored.map((r) => Number(r.client_id)),
      asOf,
    );
    ids = [...terms.values()]
      .filter((ctx) => !sameTier(riskTier(current, ctx.terms.riskScore), riskTier(schedule, ctx.terms.riskScore)))
      .map((ctx) => ctx.clientId);
    proposed = { schedule };
  } else {
    requirePermission(actor, 'agreement.propose');
    kind = 'client_terms';
    const clientId = Number(v.clientId);
    if (!Number.isSafeInteger(clientId) || clientId <= 0) throw notFound('Client', String(v.clientId));
    const [client] = await tx.sql`select id from clients where id = ${clientId}`;
    if (!client) throw notFound('Client', clientId);
    const terms = agreementTermsSchema.safeParse(v.terms ?? {});
    if (!terms.success) throw invalidInput(terms.error);
    ids = [clientId];
    proposed = { terms: new Map<number, AgreementTerms>([[clientId, terms.data]]) };
  }
  ids.sort((a, b) => a - b);
  const [before, after] = [
    await loadReleaseStates(tx, ids, asOf, { detail: false, money: 'both' }),
    await loadReleaseStates(tx, ids, asOf, { detail: false, money: 'both', proposed }),
  ];
  const pending = await openProposals(tx, ids);
  const was = figuresOf(before, pending);
  const will = figuresOf(after, pending);
  const names = new Map(
    (await tx.sql<{ id: string; name: string }[]>`select id, name from clients where id = any(${ids}::bigint[])`).map((r) => [Number(r.id), r.name]),
  );
  const rows: WhatIfClientRow[] = [];
  const totals = new Map<string, { before: Figures; after: Figures }>();
  const changed = new Set<number>();
  for (const id of ids) {
    const modeBefore = before.get(id)?.tier?.release ?? 'automatic';
    const modeAfter = after.get(id)?.tier?.release ?? 'automatic';
    const currencies = [...new Set([...(before.get(id)?.states ?? []), ...(after.get(id)?.states ?? [])].map((st) => st.currency))].sort();
    for (const currency of currencies) {
      const k = `${id}|${currency}`;
      const b = was.get(k) ?? { held: ZERO, releasable: ZERO };
      const a = will.get(k) ?? { held: ZERO, releasable: ZERO };
      const changes = !b.releasable.eq(a.releasable) || modeBefore !== modeAfter;
      if (changes) changed.add(id);
      rows.push({
        clientId: String(id),
        clientName: names.get(id) ?? '',
        currency,
        before: { held: formatMoney(b.held, currency), releasable: formatMoney(b.releasable, currency), releaseMode: modeBefore },
        after: { held: formatMoney(a.held, currency), releasable: formatMoney(a.releasable, currency), releaseMode: modeAfter },
        changes,
      });
      const t = totals.get(currency) ?? { before: { held: ZERO, releasable: ZERO }, after: { held: ZERO, releasable: ZERO } };
      t.before = { held: t.before.held.plus(b.held), releasable: t.before.releasable.plus(b.releasable) };
      t.after = { held: t.after.held.plus(a.held), releasable: t.after.releasable.plus(a.releasable) };
      totals.set(currency, t);
    }
  }
  const pageSize = v.pageSize ?? 50;
  const page = v.page ?? 1;
  if (rows.length > 0 && (page - 1) * pageSize >= rows.length) {
    throw new DomainError('invalid_input', `Page ${page} is past the last page (${Math.ceil(rows.length / pageSize)})`, {
      status: 400,
      details: { page: 'past the last page' },
    });
  }
  const f = (x: Figures, c: string): WhatIfFigures => ({ held: formatMoney(x.held, c), releasable: formatMoney(x.releasable, c) });
  return {
    asOf,
    kind,
    clientsAffected: ids.length,
    clientsChanged: changed.size,
    totals: [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, t]) => ({ currency: c, before: f(t.before, c), after: f(t.after, c) })),
    page,
    pageSize,
    rowCount: rows.length,
    rows: rows.slice((page - 1) * pageSize, page * pageSize),
  };
}

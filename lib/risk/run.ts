import type { Database, RawSql, Tx } from '../../db/client';
import type { AgreementTerms } from '../agreements/terms';
import type { Actor } from '../auth/actor';
import { addDays } from '../dates';
import { riskTier, type RiskTier } from '../releases/releasable';
import { riskSchedule } from '../settings';
import { proposeBandChange } from './proposals';
import { bandName, riskScore, type RiskInputs, type RiskScoring } from './score';
import { riskScoring } from './settings';

/**
 * Issue 16 item 1: the nightly `risk-scores` job — every active client's risk score on `asOf`
 * from its own history (lib/risk/score.ts), kept in client_risk_scores, and a change of band
 * proposed (or applied) as a new agreement version (lib/risk/proposals.ts).
 *
 * - Once per client and date: client_risk_scores' unique (client_id, as_of). A rerun the same day
 *   scores only the clients not scored yet, and proposes nothing twice.
 * - Crash-safe and chunked: clients in chunks, each chunk one transaction (its scores, proposals,
 *   audit events and emails together) under an advisory lock; a worker killed mid-run leaves whole
 *   chunks behind and the retry does the rest.
 * - Set-based: the run's inputs are one statement — one pass over the portfolio's invoices, disputes
 *   and payment applications grouped by client (a rerun with few clients left: their index ranges)
 *   — never a query per client.
 * - Only clients whose agreement carries a risk score are tiered (SPEC 5.4: "a client without a
 *   risk score is not tiered"): the others are scored and charted, and an underwriter opts them
 *   in by giving their agreement a score. A client with an agreement version already waiting for
 *   approval gets no second proposal (its score is still kept).
 */

export interface RiskRunResult {
  asOf: string;
  /** clients scored by this run (a rerun: those left) */
  scored: number;
  /** band changes proposed for approval, and applied automatically */
  proposed: number;
  applied: number;
}

const LOCK = 'holdback.risk_scores';

/**
 * The measured inputs of each client for the window (asOf − lookback, asOf] and the one before
 * it: of the clients `clientIds` (their index ranges of invoices_client_status_idx), or of every
 * client (null — the nightly run: one pass over the portfolio's invoices per measure, grouped by
 * client, rather than one per chunk). Five grouped statements, merged here by client: each is
 * planned on its own (hash aggregates), never a nested loop of one aggregate over another.
 * Money sums are in each invoice's own currency, added at face: the ratios of a client funding in
 * several currencies are approximate (no FX here).
 */
export async function gatherRiskInputs(sql: RawSql, clientIds: readonly number[] | null, asOf: string, lookbackDays: number): Promise<Map<number, RiskInputs>> {
  const from = addDays(asOf, -lookbackDays);
  const previousFrom = addDays(asOf, -2 * lookbackDays);
  const ids = clientIds?.map(String) ?? null;
  const mine = () => (ids ? sql`i.client_id = any(${ids}::bigint[]) and` : sql``);
  const settled = (await sql`
    select s.client_id::text,
           coalesce(sum(s.face_value) filter (where s.settled_date > ${from}::date), 0)::text as face,
           coalesce(sum(coalesce(c.collected, 0)) filter (where s.settled_date > ${from}::date), 0)::text as collected,
           coalesce(sum(s.face_value) filter (where s.settled_date <= ${from}::date), 0)::text as previous_face,
           coalesce(sum(coalesce(c.collected, 0)) filter (where s.settled_date <= ${from}::date), 0)::text as previous_collected
      from invoices s
      left join (select a.invoice_id, sum(a.amount) as collected
                   from payment_applications a join invoices i on i.id = a.invoice_id
                  where ${mine()} i.status = 'settled' and i.settled_date > ${previousFrom}::date and i.settled_date <= ${asOf}::date
                  group by a.invoice_id) c on c.invoice_id = s.id
     where ${ids ? sql`s.client_id = any(${ids}::bigint[]) and` : sql``} s.status = 'settled'
       and s.settled_date > ${previousFrom}::date and s.settled_date <= ${asOf}::date
     group by s.client_id`) as unknown as { client_id: string; face: string; collected: string; previous_face: string; previous_collected: string }[];
  const judged = (await sql`
    select i.client_id::text, count(*)::int as n,
           coalesce(sum(greatest(0, coalesce(case when i.status = 'settled' then i.settled_date end, ${asOf}::date) - i.due_date)), 0)::int as days
      from invoices i
     where ${mine()} i.funding_date <= ${asOf}::date
       and ((i.status = 'settled' and i.settled_date > ${from}::date and i.settled_date <= ${asOf}::date) or i.status in ('funded', 'disputed'))
     group by i.client_id`) as unknown as { client_id: string; n: number; days: number }[];
  const active = (await sql`
    select i.client_id::text, count(*)::int as n,
           count(*) filter (where i.status = 'charged_back' and i.settled_date > ${from}::date and i.settled_date <= ${asOf}::date)::int as charged_back
      from invoices i
     where ${mine()} i.funding_date <= ${asOf}::date and (i.settled_date is null or i.settled_date > ${from}::date)
     group by i.client_id`) as unknown as { client_id: string; n: number; charged_back: number }[];
  const disputed = (await sql`
    select i.client_id::text,
           count(*) filter (where d.opened_date > ${from}::date and d.opened_date <= ${asOf}::date)::int as opened,
           -- a dispute resolved as a charge-back of part of an invoice not charged back whole
           count(distinct d.invoice_id) filter (where d.outcome = 'chargeback' and i.status <> 'charged_back'
                                                  and d.resolved_date > ${from}::date and d.resolved_date <= ${asOf}::date)::int as partial
      from disputes d join invoices i on i.id = d.invoice_id
     where ${mine()} i.funding_date is not null and (d.opened_date > ${from}::date or d.resolved_date > ${from}::date)
     group by i.client_id`) as unknown as { client_id: string; opened: number; partial: number }[];
  const open = (await sql`
    select o.client_id::text, sum(o.open)::text as total, max(o.open)::text as largest
      from (select i.client_id, i.debtor_id, sum(coalesce(i.outstanding, i.face_value)) as open
              from invoices i
             where ${mine()} i.status in ('funded', 'disputed') and i.funding_date <= ${asOf}::date
             group by i.client_id, i.debtor_id) o
     group by o.client_id`) as unknown as { client_id: string; total: string; largest: string }[];

  const out = new Map<number, RiskInputs>();
  const of = (clientId: string): RiskInputs => {
    const id = Number(clientId);
    let v = out.get(id);
    if (!v) {
      v = {
        settledFace: '0',
        settledCollected: '0',
        previousSettledFace: '0',
        previousSettledCollected: '0',
        invoicesJudged: 0,
        daysLateTotal: 0,
        activeCount: 0,
        disputesOpened: 0,
        chargebacks: 0,
        openTotal: '0',
        largestDebtorOpen: '0',
      };
      out.set(id, v);
    }
    return v;
  };
  for (const id of ids ?? []) of(id);
  for (const r of settled)
    Object.assign(of(r.client_id), {
      settledFace: r.face,
      settledCollected: r.collected,
      previousSettledFace: r.previous_face,
      previousSettledCollected: r.previous_collected,
    });
  for (const r of judged) Object.assign(of(r.client_id), { invoicesJudged: r.n, daysLateTotal: r.days });
  for (const r of active) Object.assign(of(r.client_id), { activeCount: r.n, chargebacks: of(r.client_id).chargebacks + r.charged_back });
  for (const r of disputed) Object.assign(of(r.client_id), { disputesOpened: r.opened, chargebacks: of(r.client_id).chargebacks + r.partial });
  for (const r of open) Object.assign(of(r.client_id), { openTotal: r.total, largestDebtorOpen: r.largest });
  return out;
}

/** A client with nothing measured (no invoices in the window): every input zero. */
const NOTHING: RiskInputs = {
  settledFace: '0',
  settledCollected: '0',
  previousSettledFace: '0',
  previousSettledCollected: '0',
  invoicesJudged: 0,
  daysLateTotal: 0,
  activeCount: 0,
  disputesOpened: 0,
  chargebacks: 0,
  openTotal: '0',
  largestDebtorOpen: '0',
};

/** The active clients not yet scored on `asOf` (a rerun: those left), by id. */
async function clientsToScore(sql: RawSql, asOf: string, within?: readonly number[]): Promise<number[]> {
  const rows = (await sql`
    select c.id::text from clients c
     where c.status = 'active'
       ${within ? sql`and c.id = any(${within.map(String)}::bigint[])` : sql``}
       and not exists (select 1 from client_risk_scores s where s.client_id = c.id and s.as_of = ${asOf}::date)
     order by c.id`) as unknown as { id: string }[];
  return rows.map((r) => Number(r.id));
}

/** One chunk: score, keep, and propose or apply band changes — one transaction. */
async function scoreChunk(
  tx: Tx,
  chunk: readonly number[],
  context: { asOf: string; scoring: RiskScoring; schedule: RiskTier[]; by: Actor; inputs: Map<number, RiskInputs> },
): Promise<{ scored: number; proposed: number; applied: number }> {
  const { asOf, scoring, schedule, by } = context;
  await tx.sql`select pg_advisory_xact_lock(hashtext(${LOCK}))`;
  // Read again under the lock: a second run may have scored some of them meanwhile.
  const ids = await clientsToScore(tx.sql, asOf, chunk);
  if (ids.length === 0) return { scored: 0, proposed: 0, applied: 0 };
  // Measured before the lock, once for the run (a client without invoices in it: nothing measured).
  const inputs = context.inputs;
  const agreements = await tx.sql<{ client_id: string; id: string; version: number; terms: AgreementTerms; name: string; pending: boolean }[]>`
    select distinct on (a.client_id) a.client_id::text, a.id::text, a.version, a.terms, c.name,
           exists (select 1 from agreements p where p.client_id = a.client_id and p.status = 'pending_approval') as pending
      from agreements a join clients c on c.id = a.client_id
     where a.client_id = any(${ids.map(String)}::bigint[]) and a.status = 'approved'
     order by a.client_id, (a.effective_from <= ${asOf}::date) desc,
              case when a.effective_from <= ${asOf}::date then a.effective_from end desc nulls last, a.effective_from, a.version desc`;
  const agreementOf = new Map(agreements.map((a) => [Number(a.client_id), a]));
  let proposed = 0;
  let applied = 0;
  const rows: { clientId: number; score: number; band: string | null; parts: unknown; inputs: unknown; change: string | null; agreementId: number | null }[] =
    [];
  for (const clientId of ids) {
    const measured = inputs.get(clientId) ?? NOTHING;
    const result = riskScore(measured, scoring);
    const tier = riskTier(schedule, result.score);
    const a = agreementOf.get(clientId);
    const current = a ? riskTier(schedule, a.terms.riskScore) : null;
    let change: 'proposed' | 'applied' | null = null;
    let agreementId: number | null = null;
    // Tiered clients only; a band that differs from the agreement's; nothing already waiting.
    if (a && tier && current && bandName(current) !== bandName(tier) && !a.pending) {
      const done = await proposeBandChange(
        tx,
        {
          clientId,
          clientName: a.name,
          agreement: { id: Number(a.id), version: a.version, terms: a.terms },
          score: result.score,
          fromTier: current,
          toTier: tier,
          asOf,
          autoApply: scoring.autoApply,
        },
        by,
      );
      change = done.change;
      agreementId = done.agreementId;
      if (change === 'proposed') proposed += 1;
      else applied += 1;
    }
    rows.push({
      clientId,
      score: result.score,
      band: bandName(tier),
      parts: result.parts,
      inputs: { ...measured, measures: result.measures, window: { from: addDays(asOf, -scoring.lookbackDays), to: asOf } },
      change,
      agreementId,
    });
  }
  const c = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  await tx.sql`
    insert into client_risk_scores (client_id, as_of, score, band, parts, inputs, change, agreement_id)
    select r.client_id, ${asOf}::date, r.score, r.band, r.parts, r.inputs, r.change, r.agreement_id
      from unnest(${c((r) => String(r.clientId))}::bigint[], ${c((r) => r.score)}::int[], ${c((r) => r.band) as never}::text[],
                  ${c((r) => JSON.stringify(r.parts))}::jsonb[], ${c((r) => JSON.stringify(r.inputs))}::jsonb[],
                  ${c((r) => r.change) as never}::text[], ${c((r) => (r.agreementId === null ? null : String(r.agreementId))) as never}::bigint[])
           as r(client_id, score, band, parts, inputs, change, agreement_id)
    on conflict (client_id, as_of) do nothing`;
  return { scored: rows.length, proposed, applied };
}

/** Scores every active client on `asOf` (see above). Answers what it did. */
export async function runRiskScores(
  database: Database,
  options: { asOf: string; by: Actor; chunkSize?: number; onProgress?: (done: number, total: number) => Promise<void> | void },
): Promise<RiskRunResult> {
  const { asOf, by } = options;
  const [scoring, schedule] = await Promise.all([riskScoring(database), riskSchedule(database)]);
  const result: RiskRunResult = { asOf, scored: 0, proposed: 0, applied: 0 };
  const ids = await clientsToScore(database.sql, asOf);
  const chunkSize = Math.max(1, options.chunkSize ?? 500);
  if (ids.length === 0) {
    await options.onProgress?.(0, 0);
    return result;
  }
  // One pass over the portfolio for the whole run; a retry that has few clients left reads just theirs.
  const inputs = await gatherRiskInputs(database.sql, ids.length > chunkSize ? null : ids, asOf, scoring.lookbackDays);
  for (let start = 0; start < ids.length; start += chunkSize) {
    const chunk = ids.slice(start, start + chunkSize);
    const done = await database.transaction((tx) => scoreChunk(tx, chunk, { asOf, scoring, schedule, by, inputs }));
    result.scored += done.scored;
    result.proposed += done.proposed;
    result.applied += done.applied;
    await options.onProgress?.(Math.min(start + chunkSize, ids.length), ids.length);
  }
  return result;
}

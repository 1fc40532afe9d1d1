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
 * - Set-based: a chunk's inputs are one query over the chunk's invoices (invoices_client_status_idx
 *   ranges), disputes and payment applications — never a query per client.
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

type InputRow = {
  client_id: string;
  settled_face: string;
  settled_collected: string;
  previous_face: string;
  previous_collected: string;
  judged: number;
  days_late: number;
  active: number;
  disputes: number;
  chargebacks: number;
  open_total: string;
  largest_open: string;
};

/**
 * The measured inputs of each client of `clientIds` for the window (asOf − lookback, asOf] and the
 * one before it, in one statement. Money sums are in each invoice's own currency, added at face:
 * the ratios of a client funding in several currencies are approximate (no FX here).
 */
export async function gatherRiskInputs(sql: RawSql, clientIds: readonly number[], asOf: string, lookbackDays: number): Promise<Map<number, RiskInputs>> {
  const from = addDays(asOf, -lookbackDays);
  const previousFrom = addDays(asOf, -2 * lookbackDays);
  const ids = clientIds.map(String);
  const rows = (await sql`
    with ids as (select unnest(${ids}::bigint[]) as client_id),
    settled as (
      select i.client_id,
             coalesce(sum(i.face_value) filter (where i.settled_date > ${from}::date), 0) as face,
             coalesce(sum(p.collected) filter (where i.settled_date > ${from}::date), 0) as collected,
             coalesce(sum(i.face_value) filter (where i.settled_date <= ${from}::date), 0) as previous_face,
             coalesce(sum(p.collected) filter (where i.settled_date <= ${from}::date), 0) as previous_collected
        from invoices i
        left join lateral (select coalesce(sum(a.amount), 0) as collected from payment_applications a where a.invoice_id = i.id) p on true
       where i.client_id = any(${ids}::bigint[]) and i.status = 'settled'
         and i.settled_date > ${previousFrom}::date and i.settled_date <= ${asOf}::date
       group by i.client_id),
    judged as (
      select i.client_id, count(*)::int as n,
             coalesce(sum(greatest(0, coalesce(case when i.status = 'settled' then i.settled_date end, ${asOf}::date) - i.due_date)), 0)::int as days
        from invoices i
       where i.client_id = any(${ids}::bigint[]) and i.funding_date <= ${asOf}::date
         and ((i.status = 'settled' and i.settled_date > ${from}::date and i.settled_date <= ${asOf}::date)
              or i.status in ('funded', 'disputed'))
       group by i.client_id),
    active as (
      select i.client_id, count(*)::int as n,
             count(*) filter (where i.status = 'charged_back' and i.settled_date > ${from}::date and i.settled_date <= ${asOf}::date)::int as charged_back
        from invoices i
       where i.client_id = any(${ids}::bigint[]) and i.funding_date <= ${asOf}::date
         and (i.settled_date is null or i.settled_date > ${from}::date)
       group by i.client_id),
    disputed as (
      select i.client_id,
             count(*) filter (where d.opened_date > ${from}::date and d.opened_date <= ${asOf}::date)::int as opened,
             -- a dispute resolved as a charge-back of part of an invoice not charged back whole
             count(distinct d.invoice_id) filter (where d.outcome = 'chargeback' and i.status <> 'charged_back'
                                                    and d.resolved_date > ${from}::date and d.resolved_date <= ${asOf}::date)::int as partial_chargebacks
        from invoices i join disputes d on d.invoice_id = i.id
       where i.client_id = any(${ids}::bigint[]) and i.funding_date is not null
         and (d.opened_date > ${from}::date or d.resolved_date > ${from}::date)
       group by i.client_id),
    debtor_open as (
      select i.client_id, i.debtor_id, sum(coalesce(i.outstanding, i.face_value)) as open
        from invoices i
       where i.client_id = any(${ids}::bigint[]) and i.status in ('funded', 'disputed') and i.funding_date <= ${asOf}::date
       group by i.client_id, i.debtor_id),
    open as (select client_id, sum(open) as total, max(open) as largest from debtor_open group by client_id)
    select ids.client_id::text,
           coalesce(s.face, 0)::text as settled_face, coalesce(s.collected, 0)::text as settled_collected,
           coalesce(s.previous_face, 0)::text as previous_face, coalesce(s.previous_collected, 0)::text as previous_collected,
           coalesce(j.n, 0) as judged, coalesce(j.days, 0) as days_late,
           coalesce(a.n, 0) as active, coalesce(d.opened, 0) as disputes,
           coalesce(a.charged_back, 0) + coalesce(d.partial_chargebacks, 0) as chargebacks,
           coalesce(o.total, 0)::text as open_total, coalesce(o.largest, 0)::text as largest_open
      from ids
      left join settled s on s.client_id = ids.client_id
      left join judged j on j.client_id = ids.client_id
      left join active a on a.client_id = ids.client_id
      left join disputed d on d.client_id = ids.client_id
      left join open o on o.client_id = ids.client_id`) as unknown as InputRow[];
  return new Map(
    rows.map((r) => [
      Number(r.client_id),
      {
        settledFace: r.settled_face,
        settledCollected: r.settled_collected,
        previousSettledFace: r.previous_face,
        previousSettledCollected: r.previous_collected,
        invoicesJudged: r.judged,
        daysLateTotal: r.days_late,
        activeCount: r.active,
        disputesOpened: r.disputes,
        chargebacks: r.chargebacks,
        openTotal: r.open_total,
        largestDebtorOpen: r.largest_open,
      },
    ]),
  );
}

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
  context: { asOf: string; scoring: RiskScoring; schedule: RiskTier[]; by: Actor },
): Promise<{ scored: number; proposed: number; applied: number }> {
  const { asOf, scoring, schedule, by } = context;
  await tx.sql`select pg_advisory_xact_lock(hashtext(${LOCK}))`;
  // Read again under the lock: a second run may have scored some of them meanwhile.
  const ids = await clientsToScore(tx.sql, asOf, chunk);
  if (ids.length === 0) return { scored: 0, proposed: 0, applied: 0 };
  const inputs = await gatherRiskInputs(tx.sql, ids, asOf, scoring.lookbackDays);
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
    const measured = inputs.get(clientId)!;
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
  if (ids.length === 0) await options.onProgress?.(0, 0);
  for (let start = 0; start < ids.length; start += chunkSize) {
    const chunk = ids.slice(start, start + chunkSize);
    const done = await database.transaction((tx) => scoreChunk(tx, chunk, { asOf, scoring, schedule, by }));
    result.scored += done.scored;
    result.proposed += done.proposed;
    result.applied += done.applied;
    await options.onProgress?.(Math.min(start + chunkSize, ids.length), ids.length);
  }
  return result;
}

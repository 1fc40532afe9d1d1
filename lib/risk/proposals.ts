import type { Tx } from '../../db/client';
import { agreementTermsSchema, type AgreementTerms } from '../agreements/terms';
import { requestApproval } from '../approvals/queue';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { addDays, maxDate, todayIn } from '../dates';
import { Big, formatRate } from '../money';
import { appUrl, queueEmail } from '../notifications';
import type { RiskTier } from '../releases/releasable';
import { bandName } from './score';

/**
 * Issue 16 item 1: a change of band is a change of the agreement (SPEC 2, 5.4: "triggers raise the
 * rate through an approved agreement change"). The risk-scores job is the maker: it proposes a new
 * agreement version with the new risk score and the band's reserve rate and holding period; a
 * human approver is the checker (the approval queue's `agreement_change`, decided by
 * decideAgreementChange). With "apply band changes automatically" on, the version is approved at
 * once. Either way the version starts on the day it takes effect (the approval date) and after
 * the client's last funding — so every invoice and tranche funded before keeps the reserve rate
 * it was funded at, and the next funding uses the new one. Underwriters are emailed each step.
 */

/** What the approval request of a band change carries (approval_requests.details). */
export interface BandChangeDetails {
  source: 'risk_score';
  clientName: string;
  score: number;
  fromBand: string | null;
  toBand: string;
  reserveRate: string;
  holdDays: number;
  terms: AgreementTerms;
}

/**
 * The agreement's terms moved to a tier (pure): the risk score, the tier's reserve rate — the
 * advance taking the difference, so advance + reserve (+ a flat fee) still make 1 (SPEC 2); a
 * rate above what advance + reserve make is capped there (no advance) — and, for a rolling or
 * capped reserve, the tier's holding period. Everything else is kept.
 */
export function termsForTier(terms: AgreementTerms, tier: RiskTier, score: number): AgreementTerms {
  const total = new Big(terms.advanceRate).plus(terms.reserveRate);
  const wanted = new Big(tier.rate);
  const reserve = wanted.gt(total) ? total : wanted;
  const next: AgreementTerms = { ...terms, riskScore: score, reserveRate: formatRate(reserve), advanceRate: formatRate(total.minus(reserve)) };
  const policy = terms.reservePolicy;
  if (policy.kind === 'rolling' || policy.kind === 'capped') next.reservePolicy = { ...policy, holdDays: tier.holdDays };
  return next;
}

/** The first day a new version of the client's agreement may start on or after `date`: after its last funding (SPEC 2). */
async function firstOpenDay(tx: Tx, clientId: number, date: string): Promise<string> {
  const [row] = await tx.sql<{ last: string | null }[]>`select max(funding_date)::text as last from invoices where client_id = ${clientId}`;
  return row?.last ? maxDate(date, addDays(row.last, 1)) : date;
}

const percent = (rate: string) => `${new Big(rate).times(100).toFixed()}%`;

async function emailUnderwriters(
  tx: Tx,
  clientId: number,
  agreementId: number,
  event: 'proposed' | 'applied' | 'approved' | 'rejected',
  d: BandChangeDetails,
  effectiveFrom: string | null,
  reason: string | null,
): Promise<number> {
  const underwriters = await tx.sql<
    { id: string; email: string }[]
  >`select id, email from users where role = 'underwriter' and disabled_at is null order by id`;
  let queued = 0;
  for (const u of underwriters) {
    const id = await queueEmail(tx, {
      to: u.email,
      template: 'risk_band_change',
      dedupeKey: `risk-band:${agreementId}:${event}:${u.id}`,
      data: {
        clientName: d.clientName,
        event,
        score: d.score,
        fromBand: d.fromBand,
        toBand: d.toBand,
        reserveRate: percent(d.reserveRate),
        holdDays: d.holdDays,
        effectiveFrom,
        reason,
        url: `${appUrl()}/clients/${clientId}?tab=risk`,
      },
    });
    if (id !== null) queued += 1;
  }
  return queued;
}

export interface BandChangeInput {
  clientId: number;
  clientName: string;
  /** the agreement version in force (its terms are the base of the new one) */
  agreement: { id: number; version: number; terms: AgreementTerms };
  score: number;
  fromTier: RiskTier | null;
  toTier: RiskTier;
  asOf: string;
  autoApply: boolean;
}

/**
 * Writes the new agreement version of a band change: pending approval (with its approval request)
 * or, with `autoApply`, approved from `asOf` (after the last funding). Audited; underwriters emailed.
 * The caller holds the client's row (the job's chunk lock) and has checked that no version is pending.
 */
export async function proposeBandChange(tx: Tx, input: BandChangeInput, actor: Actor): Promise<{ agreementId: number; change: 'proposed' | 'applied' }> {
  const terms = agreementTermsSchema.parse(termsForTier(input.agreement.terms, input.toTier, input.score));
  const details: BandChangeDetails = {
    source: 'risk_score',
    clientName: input.clientName,
    score: input.score,
    fromBand: bandName(input.fromTier),
    toBand: bandName(input.toTier)!,
    reserveRate: terms.reserveRate,
    holdDays: input.toTier.holdDays,
    terms,
  };
  const [latest] = await tx.sql<{ version: number }[]>`select coalesce(max(version), 0)::int as version from agreements where client_id = ${input.clientId}`;
  const version = latest!.version + 1;
  // Proposed: dated the day it was proposed until an approver sets it to the approval date.
  const effectiveFrom = await firstOpenDay(tx, input.clientId, input.asOf);
  const status = input.autoApply ? 'approved' : 'pending_approval';
  const [row] = await tx.sql<{ id: string }[]>`
    insert into agreements (client_id, version, effective_from, status, model, advance_rate, reserve_rate, credit_limit, concentration_limit, terms, created_by, approved_by, approved_at)
    values (${input.clientId}, ${version}, ${effectiveFrom}, ${status}, ${terms.model}, ${terms.advanceRate}, ${terms.reserveRate}, ${terms.creditLimit},
            ${terms.concentrationLimit}, ${JSON.stringify(terms)}::jsonb, ${actor.userId}, null, case when ${input.autoApply}::boolean then now() end)
    returning id`;
  const agreementId = Number(row!.id);
  const facts = { clientId: String(input.clientId), version, score: input.score, fromBand: details.fromBand, toBand: details.toBand, terms };
  if (input.autoApply) {
    await recordAudit(tx, actor, {
      action: 'agreement.auto_apply',
      targetType: 'agreement',
      targetId: agreementId,
      after: { ...facts, effectiveFrom, status },
    });
  } else {
    await requestApproval(
      tx,
      {
        kind: 'agreement_change',
        targetId: agreementId,
        clientId: input.clientId,
        summary: `${input.clientName}: risk band ${details.fromBand ?? 'unscored'} → ${details.toBand} (score ${input.score}), agreement v${version}`,
        details: details as unknown as Record<string, unknown>,
      },
      actor,
    );
    await recordAudit(tx, actor, {
      action: 'agreement.propose',
      targetType: 'agreement',
      targetId: agreementId,
      after: { ...facts, status, source: 'risk_score' },
    });
  }
  await emailUnderwriters(tx, input.clientId, agreementId, input.autoApply ? 'applied' : 'proposed', details, input.autoApply ? effectiveFrom : null, null);
  return { agreementId, change: input.autoApply ? 'applied' : 'proposed' };
}

/** The band change an agreement version proposes (its pending request's details), or null for any other version. */
export async function bandChangeOf(tx: Tx, agreementId: number): Promise<BandChangeDetails | null> {
  const [row] = await tx.sql<{ details: BandChangeDetails }[]>`
    select details from approval_requests
     where kind = 'agreement_change' and target_id = ${agreementId} and details->>'source' = 'risk_score'
     order by id desc limit 1`;
  return row?.details ?? null;
}

/**
 * A band change starts on the day it is approved (after the client's last funding): the pending
 * version's effective date is moved there before decideAgreementChange approves it. Answers the date.
 */
export async function startBandChange(tx: Tx, agreementId: number, clientId: number, today: string = todayIn()): Promise<string> {
  const effectiveFrom = await firstOpenDay(tx, clientId, today);
  await tx.sql`update agreements set effective_from = ${effectiveFrom} where id = ${agreementId} and status = 'pending_approval'`;
  return effectiveFrom;
}

/** After an approver decided a band change: underwriters are told (the decision itself is audited by decideAgreementChange). */
export async function bandChangeDecided(
  tx: Tx,
  change: BandChangeDetails,
  agreement: { id: number; clientId: number; effectiveFrom: string },
  status: 'approved' | 'rejected',
  reason: string | null,
): Promise<void> {
  await emailUnderwriters(tx, agreement.clientId, agreement.id, status, change, status === 'approved' ? agreement.effectiveFrom : null, reason);
}

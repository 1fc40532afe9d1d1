import type { Tx } from '../../db/client';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { notFound } from '../errors';
import type { BandChangeDetails } from './proposals';
import type { RiskPart } from './score';

export { RISK_PARTS, RISK_PART_LABELS, riskScore, bandOf, type RiskPart, type RiskScoring } from './score';

/** One day of a client's risk history. */
export interface RiskPoint {
  asOf: string;
  score: number;
  band: string | null;
}

/** A band change waiting for an approver (an agreement version proposed by the risk-scores job). */
export interface PendingBandChange {
  agreementId: string;
  version: number;
  score: number;
  fromBand: string | null;
  toBand: string;
  reserveRate: string;
  holdDays: number;
  requestedAt: string;
}

/** GET /api/v1/clients/{id}/risk: the latest score, its band and parts, and the history (oldest first). */
export interface ClientRisk {
  clientId: string;
  asOf: string | null;
  score: number | null;
  band: string | null;
  parts: Record<RiskPart, string> | null;
  /** the measured values behind the parts (fractions; days for daysBeyondTerms) */
  measures: Record<RiskPart, string> | null;
  history: RiskPoint[];
  pending: PendingBandChange | null;
}

/** How many days of history are answered (the chart's span). */
export const RISK_HISTORY_DAYS = 365;

/**
 * A client's measured risk (issue 16 item 1): staff see any client, a client user only its own
 * (anything else 404, API.md). Two reads over the client's own rows (client_risk_scores' unique
 * (client_id, as_of) index; the pending agreement version).
 */
export async function clientRisk(tx: Tx, clientId: number, actor: Actor, options: { known?: boolean } = {}): Promise<ClientRisk> {
  requirePermission(actor, 'portfolio.read');
  assertClientScope(actor, clientId);
  // known: the caller (the client page) has just read the client; else an unknown id is a 404
  if (!options.known) {
    const [client] = await tx.sql<{ id: string }[]>`select id from clients where id = ${clientId}`;
    if (!client) throw notFound('Client', clientId);
  }
  const [rows, pending] = await Promise.all([
    tx.sql<{ as_of: string; score: number; band: string | null; parts: Record<RiskPart, string>; measures: Record<RiskPart, string> | null }[]>`
      select as_of::text, score, band, parts, inputs->'measures' as measures from client_risk_scores
       where client_id = ${clientId} order by as_of desc limit ${RISK_HISTORY_DAYS}`,
    tx.sql<{ id: string; version: number; details: BandChangeDetails; requested_at: string }[]>`
      select a.id::text, a.version, r.details, to_char(r.requested_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as requested_at
        from agreements a join approval_requests r on r.kind = 'agreement_change' and r.target_id = a.id and r.status = 'pending'
       where a.client_id = ${clientId} and a.status = 'pending_approval' and r.details->>'source' = 'risk_score'
       order by a.id desc limit 1`,
  ]);
  const latest = rows[0];
  const p = pending[0];
  return {
    clientId: String(clientId),
    asOf: latest?.as_of ?? null,
    score: latest?.score ?? null,
    band: latest?.band ?? null,
    parts: latest?.parts ?? null,
    measures: latest?.measures ?? null,
    history: rows.map((r) => ({ asOf: r.as_of, score: r.score, band: r.band })).reverse(),
    pending: p
      ? {
          agreementId: p.id,
          version: p.version,
          score: p.details.score,
          fromBand: p.details.fromBand,
          toBand: p.details.toBand,
          reserveRate: p.details.reserveRate,
          holdDays: p.details.holdDays,
          requestedAt: p.requested_at,
        }
      : null,
  };
}

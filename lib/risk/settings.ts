import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { SETTINGS, readSetting } from '../settings';
import { DEFAULT_RISK_SCORING, validateRiskScoring, type RiskScoring } from './score';

/** Issue 16: the risk score's formula settings (the defaults of lib/risk/score.ts until an admin sets them). */
export async function riskScoring(tx: Pick<Tx, 'sql'>): Promise<RiskScoring> {
  const stored = await readSetting(tx, SETTINGS.riskScoring);
  if (!stored) return DEFAULT_RISK_SCORING;
  // a stored value misses nothing the defaults have (a part added later keeps its default)
  return {
    ...DEFAULT_RISK_SCORING,
    ...stored,
    weights: { ...DEFAULT_RISK_SCORING.weights, ...stored.weights },
    ceilings: { ...DEFAULT_RISK_SCORING.ceilings, ...stored.ceilings },
  };
}

/**
 * Saves the risk score's settings (admins); the before and after go to the audit log.
 *
 * Errors: 403 `forbidden` (needs `settings.edit`); 400 `invalid_input` naming the field
 * (`lookbackDays`, `weights.<part>`, `ceilings.<part>`, `autoApply`; `_` when the weights do not add up to 1).
 */
export async function updateRiskScoring(tx: Tx, input: unknown, actor: Actor): Promise<RiskScoring> {
  requirePermission(actor, 'settings.edit');
  const after = validateRiskScoring(input);
  const before = await riskScoring(tx);
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${SETTINGS.riskScoring}, ${JSON.stringify(after)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  await recordAudit(tx, actor, { action: 'settings.risk_scoring', targetType: 'settings', targetId: 'risk_scoring', before, after });
  return after;
}

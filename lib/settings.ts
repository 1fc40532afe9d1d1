import { z } from 'zod';
import type { Tx } from '../db/client';
import { recordAudit } from './audit';
import { requireRole, type Actor } from './auth/actor';
import { DomainError } from './errors';
import { Big, fixed, parseDecimal } from './money';
import { DEFAULT_RISK_SCHEDULE, type RiskTier } from './releases/releasable';
import { parseInput } from './validation';

/**
 * The release policy settings (SPEC 1, 5.4, seeds 004): the controller threshold above which a
 * release needs a controller's approval as well, and the reserve schedule by risk score (rate,
 * holding period, automatic / review / manual release). Edited by admins; every change audited.
 */
export const RISK_SCHEDULE_KEY = 'reserve.risk_schedule';
export const CONTROLLER_THRESHOLD_KEY = 'release.controller_threshold';
export const DEFAULT_CONTROLLER_THRESHOLD = '50000.00';
export const RELEASE_MODES = ['automatic', 'review', 'manual'] as const;

export interface ReleasePolicySettings {
  controllerThreshold: string;
  riskSchedule: RiskTier[];
}

const tierSchema = z.object({
  minScore: z.coerce.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 to 100' }).max(100, { error: 'must be 0 to 100' }),
  maxScore: z.coerce.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 to 100' }).max(100, { error: 'must be 0 to 100' }),
  rate: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }),
  holdDays: z.coerce.number({ error: 'must be a whole number of days' }).int({ error: 'must be a whole number of days' }).min(0, { error: 'cannot be negative' }).max(3650, { error: 'is at most 3650 days' }),
  release: z.enum(RELEASE_MODES, { error: 'must be automatic, review or manual' }),
});

/**
 * Validates a risk schedule: every tier well formed (rate a fraction 0–1), score bands not
 * overlapping and together covering 0–100 so that every score has exactly one tier. Returns the
 * tiers sorted from the best score down, rates normalised.
 */
export function validateRiskSchedule(input: unknown): RiskTier[] {
  const tiers = parseInput(z.array(tierSchema, { error: 'must be a list of tiers' }).min(1, { error: 'needs at least one tier' }), input);
  const out: RiskTier[] = tiers.map((t, i) => {
    const rate = parseDecimal(t.rate, { field: `${i}.rate`, maxDecimals: 6 });
    if (rate.lt(0) || rate.gt(1)) throw invalid(`${i}.rate`, 'must be a fraction between 0 and 1 (0.10 is 10%)');
    if (t.minScore > t.maxScore) throw invalid(`${i}.minScore`, `must not be above the tier's highest score (${t.maxScore})`);
    return { minScore: t.minScore, maxScore: t.maxScore, rate: rate.toString(), holdDays: t.holdDays, release: t.release };
  });
  const sorted = [...out].sort((a, b) => a.minScore - b.minScore);
  let next = 0;
  for (const t of sorted) {
    if (t.minScore < next) throw invalid('_', `Scores ${t.minScore}–${Math.min(t.maxScore, next - 1)} fall in two tiers`);
    if (t.minScore > next) throw invalid('_', `Scores ${next}–${t.minScore - 1} have no tier`);
    next = t.maxScore + 1;
  }
  if (next <= 100) throw invalid('_', `Scores ${next}–100 have no tier`);
  return sorted.reverse();
}

/** The controller threshold: a positive amount (in the release's currency units). */
export function validateThreshold(input: unknown): string {
  const value = parseDecimal(input, { field: 'controllerThreshold', maxDecimals: 2 });
  if (value.lte(0)) throw invalid('controllerThreshold', 'must be more than zero');
  return fixed(value, 2);
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid_input', `Please correct: ${field === '_' ? message : `${field}: ${message}`}`, { status: 400, details: { [field]: message } });
}

export async function releasePolicySettings(tx: Tx): Promise<ReleasePolicySettings> {
  const rows = await tx.sql<{ key: string; value: unknown }[]>`select key, value from settings where key in (${RISK_SCHEDULE_KEY}, ${CONTROLLER_THRESHOLD_KEY})`;
  const byKey = new Map(rows.map((r) => [r.key, r.value]));
  return {
    controllerThreshold: fixed(new Big(String(byKey.get(CONTROLLER_THRESHOLD_KEY) ?? DEFAULT_CONTROLLER_THRESHOLD)), 2),
    riskSchedule: (byKey.get(RISK_SCHEDULE_KEY) as RiskTier[] | undefined) ?? DEFAULT_RISK_SCHEDULE,
  };
}

/** Saves the release policy (admin only); the before and after go to the audit log. */
export async function updateReleasePolicy(tx: Tx, input: { controllerThreshold?: unknown; riskSchedule?: unknown }, actor: Actor): Promise<ReleasePolicySettings> {
  requireRole(actor, ['admin']);
  const before = await releasePolicySettings(tx);
  const threshold = input.controllerThreshold === undefined ? before.controllerThreshold : validateThreshold(input.controllerThreshold);
  const schedule = input.riskSchedule === undefined ? before.riskSchedule : validateRiskSchedule(input.riskSchedule);
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${CONTROLLER_THRESHOLD_KEY}, ${JSON.stringify(threshold)}::jsonb, ${actor.userId}, now()),
           (${RISK_SCHEDULE_KEY}, ${JSON.stringify(schedule)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  const after = { controllerThreshold: threshold, riskSchedule: schedule };
  await recordAudit(tx, actor, { action: 'settings.release_policy', targetType: 'settings', targetId: 'release_policy', before, after });
  return after;
}

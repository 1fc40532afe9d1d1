import { z } from 'zod';
import type { Tx } from '../db/client';
import { recordAudit } from './audit';
import type { Actor } from './auth/actor';
import { requirePermission } from './auth/permissions';
import { DomainError } from './errors';
import { Big, fixed } from './money';
import type { RemittanceInstructions } from './debtor-statements/model';
import type { GlMappingEntry } from './reports/gl-mapping';
import type { RiskScoring } from './risk/score';
import { DEFAULT_RISK_SCHEDULE, type RiskTier } from './releases/releasable';
import { choice, days, formMoney, rate, wholeNumber } from './validation/fields';

/**
 * The settings table, read through these constants and readers only — no raw key strings
 * elsewhere. Each key names what it holds; `readSetting` answers its stored JSON typed, or null
 * when it was never set (the reader of each setting says what then applies).
 */
export const SETTINGS = {
  /** SPEC 1: above this amount a release needs a controller's approval as well (a decimal string) */
  controllerThreshold: 'release.controller_threshold',
  /** SPEC 5.4 / seeds 004: the reserve schedule by risk score (RiskTier[]) */
  riskSchedule: 'reserve.risk_schedule',
  /** SPEC 7: a debtor's largest share of the whole portfolio before an alert (a fraction, "0.25") */
  portfolioConcentrationLimit: 'concentration.portfolio_limit',
  /** the factor's name on statements (a string) */
  factorName: 'factor.name',
  /** issue 14: the factor's originating bank for NACHA (ACH) payout files (AchOriginatorSetting; lib/payouts/originator.ts) */
  achOriginator: 'payout.ach_originator',
  /** issue 14: the factor's own account debited by pain.001 (SEPA) payout files (SepaDebtorSetting; lib/payouts/originator.ts) */
  sepaDebtor: 'payout.sepa_debtor',
  /** issue 14: the release-cycle job creates each currency's payout batch of the cycle's date (boolean; default off: a person creates it) */
  batchAfterCycle: 'payout.batch_after_cycle',
  /** issue 15: the debtor reminder steps, days from the due date (number[]; lib/debtor-statements/settings.ts; [] = no reminders) */
  reminderSteps: 'debtor.reminder_steps',
  /** issue 15: where debtors pay the factor, printed on statements and reminders (RemittanceInstructions) */
  remittance: 'debtor.remittance',
  /** issue 16: Holdback's accounts mapped to the factor's general-ledger codes (GlMapping; lib/reports/gl-export.ts) */
  glMapping: 'gl.account_map',
  /** issue 16 item 5: the intake flag kinds that hold funding until cleared (FlagKind[]; lib/intake/settings.ts; default: future issue dates) */
  holdingFlags: 'intake.holding_flags',
  /** issue 16: the risk score's lookback, weights, ceilings and whether band changes apply automatically (RiskScoring; lib/risk/settings.ts) */
  riskScoring: 'risk.scoring',
} as const;
export type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];

/** What each setting stores (its JSON). */
export interface SettingValues {
  'release.controller_threshold': string;
  'reserve.risk_schedule': RiskTier[];
  'concentration.portfolio_limit': string;
  'factor.name': string;
  'payout.ach_originator': AchOriginatorSetting;
  'payout.sepa_debtor': SepaDebtorSetting;
  'payout.batch_after_cycle': boolean;
  'debtor.reminder_steps': number[];
  'debtor.remittance': RemittanceInstructions;
  'gl.account_map': GlMappingEntry[];
  'intake.holding_flags': string[];
  'risk.scoring': RiskScoring;
}

/** The factor's bank for NACHA files: its ODFI routing number, the receiving point, and its ACH company. */
export interface AchOriginatorSetting {
  originRouting: string;
  destinationRouting: string;
  destinationName: string;
  companyId: string;
  companyName: string;
}

/** The factor's own IBAN account, debited by pain.001 credit transfers (electronic forms: no spaces, upper case). */
export interface SepaDebtorSetting {
  name: string;
  iban: string;
  bic: string;
}

/** A setting's stored value, or null when it was never set. */
export async function readSetting<K extends SettingKey>(tx: Pick<Tx, 'sql'>, key: K): Promise<SettingValues[K] | null> {
  const [row] = await tx.sql<{ value: SettingValues[K] | null }[]>`select value from settings where key = ${key}`;
  return row?.value ?? null;
}

export const DEFAULT_CONTROLLER_THRESHOLD = '50000.00';
export const RELEASE_MODES = ['automatic', 'review', 'manual'] as const;

/** SPEC 1: above this a controller must approve a release as well (50,000.00 until an admin sets it). */
export async function controllerThreshold(tx: Pick<Tx, 'sql'>): Promise<Big> {
  return new Big(String((await readSetting(tx, SETTINGS.controllerThreshold)) ?? DEFAULT_CONTROLLER_THRESHOLD));
}

/** SPEC 5.4: the reserve schedule by risk score (seeds 004 until an admin sets one). */
export async function riskSchedule(tx: Pick<Tx, 'sql'>): Promise<RiskTier[]> {
  return (await readSetting(tx, SETTINGS.riskSchedule)) ?? DEFAULT_RISK_SCHEDULE;
}

/**
 * The release policy settings (SPEC 1, 5.4, seeds 004): the controller threshold above which a
 * release needs a controller's approval as well, and the reserve schedule by risk score (rate,
 * holding period, automatic / review / manual release). Edited by admins; every change audited.
 */
export interface ReleasePolicySettings {
  controllerThreshold: string;
  riskSchedule: RiskTier[];
}

/** One tier of the form, its fields named by the tier's number ("Tier 2 reserve rate …"). */
function tierSchema(n: number) {
  return z.object({
    minScore: wholeNumber(`Tier ${n} lowest score`, { min: 0, max: 100 }),
    maxScore: wholeNumber(`Tier ${n} highest score`, { min: 0, max: 100 }),
    // a fraction, as stored ("0.10"); the form reads what people write (formRate) before this
    rate: rate(`Tier ${n} reserve rate`, { min: '0', max: '1' }),
    holdDays: days(`Tier ${n} holding period`, { min: 0, max: 3650 }),
    release: choice(`Tier ${n} release`, RELEASE_MODES, { automatic: 'automatic', review: 'review', manual: 'manual' }),
  });
}

/**
 * Validates a risk schedule: every tier well formed (its rate a fraction 0–1, "0.10" is 10%), score bands not
 * overlapping and together covering 0–100 so that every score has exactly one tier. Returns the
 * tiers sorted from the best score down, rates as fractions. Errors name the tier's field
 * (`details` keyed `<index>.<field>`, `_` for the bands).
 */
export function validateRiskSchedule(input: unknown): RiskTier[] {
  if (!Array.isArray(input)) throw invalid('_', 'The risk schedule must be a list of tiers');
  if (input.length === 0) throw invalid('_', 'The risk schedule needs at least one tier');
  if (input.length > 100) throw invalid('_', 'The risk schedule has at most 100 tiers');
  const details: Record<string, string> = {};
  const out: RiskTier[] = [];
  input.forEach((raw, i) => {
    const parsed = tierSchema(i + 1).safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = `${i}.${issue.path.join('.') || '_'}`;
        if (!(key in details)) details[key] = issue.message;
      }
      return;
    }
    const t = parsed.data;
    if (t.minScore > t.maxScore) {
      details[`${i}.minScore`] = `Tier ${i + 1} lowest score must not be above its highest score (${t.maxScore})`;
      return;
    }
    out.push({ minScore: t.minScore, maxScore: t.maxScore, rate: new Big(t.rate).toString(), holdDays: t.holdDays, release: t.release });
  });
  if (Object.keys(details).length > 0) {
    throw new DomainError('invalid_input', `Please correct: ${Object.values(details).join('; ')}`, { status: 400, details });
  }
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

const THRESHOLD = formMoney('Controller threshold', { allowZero: false });

/** The controller threshold: a positive amount with at most cents ("25,000" or "25000.00"), kept with cents. */
export function validateThreshold(input: unknown): string {
  const parsed = THRESHOLD.safeParse(input);
  if (!parsed.success) throw invalid('controllerThreshold', parsed.error.issues[0]?.message ?? 'Controller threshold must be an amount');
  if ((parsed.data.split('.')[1] ?? '').length > 2) throw invalid('controllerThreshold', 'Controller threshold may have at most 2 decimal places');
  const value = new Big(parsed.data);
  if (value.lte(0)) throw invalid('controllerThreshold', 'Controller threshold must be more than 0');
  return fixed(value, 2);
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid_input', message, { status: 400, details: { [field]: message } });
}

export async function releasePolicySettings(tx: Pick<Tx, 'sql'>): Promise<ReleasePolicySettings> {
  return {
    controllerThreshold: fixed(await controllerThreshold(tx), 2),
    riskSchedule: await riskSchedule(tx),
  };
}

/**
 * Saves the release policy; the before and after go to the audit log.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `settings.edit`); 400 `invalid_input`
 * naming the field (`controllerThreshold`, `<tier index>.<field>`, `_` for the score bands).
 */
export async function updateReleasePolicy(
  tx: Tx,
  input: { controllerThreshold?: unknown; riskSchedule?: unknown },
  actor: Actor,
): Promise<ReleasePolicySettings> {
  requirePermission(actor, 'settings.edit');
  const before = await releasePolicySettings(tx);
  const threshold = input.controllerThreshold === undefined ? before.controllerThreshold : validateThreshold(input.controllerThreshold);
  const schedule = input.riskSchedule === undefined ? before.riskSchedule : validateRiskSchedule(input.riskSchedule);
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${SETTINGS.controllerThreshold}, ${JSON.stringify(threshold)}::jsonb, ${actor.userId}, now()),
           (${SETTINGS.riskSchedule}, ${JSON.stringify(schedule)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  const after = { controllerThreshold: threshold, riskSchedule: schedule };
  await recordAudit(tx, actor, { action: 'settings.release_policy', targetType: 'settings', targetId: 'release_policy', before, after });
  return after;
}

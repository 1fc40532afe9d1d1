import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { SETTINGS, readSetting } from '../settings';
import { parseInput } from '../validation';
import { array, described, list } from '../validation/fields';
import { FLAG_KINDS, isFlagKind, type FlagKind } from './rules';

/**
 * Which intake flags hold funding until cleared. Every kind is raised and shown; by default only
 * a future issue date holds — a first invoice with a debtor, or two invoices of a debtor with
 * the same amount and date, are everyday events in many books, and the factor decides (the
 * `intake.holding_flags` setting: Settings → Intake flags, or PUT /api/v1/intake/holding-flags)
 * whether they stop funding too.
 */
export const DEFAULT_HOLDING_FLAGS: readonly FlagKind[] = ['future_issue_date'];

export async function holdingFlagKinds(tx: Pick<Tx, 'sql'>): Promise<Set<FlagKind>> {
  const stored = await readSetting(tx, SETTINGS.holdingFlags);
  return new Set(stored === null ? DEFAULT_HOLDING_FLAGS : stored.filter(isFlagKind));
}

/** One flag kind: an unknown one is named in the message ("Unknown flag kind "x" — …"). */
const flagKind = described(
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.enum(FLAG_KINDS, {
      error: (issue) =>
        typeof issue.input === 'string' && issue.input !== ''
          ? `Unknown flag kind "${issue.input.slice(0, 60)}": the kinds are ${FLAG_KINDS.join(', ')}`
          : `Flag kind must be one of: ${FLAG_KINDS.join(', ')}`,
    }),
  ),
  { kind: 'choice', label: 'Flag kind', values: FLAG_KINDS },
);

/** `{"kinds":[…]}` (API): the kinds that hold funding, a JSON list, required; [] = none holds (still raised and shown). */
export const holdingFlagsSchema = z.object({ kinds: array('Flag kinds', flagKind, { max: FLAG_KINDS.length * 4 }) });

/** The Settings form: its checked boxes (none checked sends no field: none holds). */
export const holdingFlagsFormSchema = z.object({ kinds: list('Flag kinds', flagKind, { max: FLAG_KINDS.length * 4 }) });

export interface HoldingFlags {
  /** the kinds that hold, in FLAG_KINDS order */
  kinds: FlagKind[];
  /** false: never saved, the default applies */
  saved: boolean;
}

/** The setting as GET /api/v1/intake/holding-flags answers it. */
export async function holdingFlags(tx: Pick<Tx, 'sql'>): Promise<HoldingFlags> {
  const stored = await readSetting(tx, SETTINGS.holdingFlags);
  const kinds = await holdingFlagKinds(tx);
  return { kinds: FLAG_KINDS.filter((k) => kinds.has(k)), saved: stored !== null };
}

/**
 * Saves which kinds hold funding (admins: `settings.edit`); before and after go to the audit log.
 * Takes effect at the next preview or funding. Errors: 403 `forbidden`; 400 `invalid_input`
 * naming an unknown kind (`kinds.<index>`).
 */
export async function updateHoldingFlags(tx: Tx, input: unknown, actor: Actor): Promise<HoldingFlags> {
  requirePermission(actor, 'settings.edit');
  const { kinds } = parseInput(holdingFlagsSchema, input);
  const before = await holdingFlags(tx);
  const after = FLAG_KINDS.filter((k) => kinds.includes(k));
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${SETTINGS.holdingFlags}, ${JSON.stringify(after)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  await recordAudit(tx, actor, {
    action: 'settings.intake_holding_flags',
    targetType: 'settings',
    targetId: 'intake_holding_flags',
    before: { kinds: before.kinds },
    after: { kinds: after },
  });
  return { kinds: after, saved: true };
}

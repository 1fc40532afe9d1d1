import type { Tx } from '../../db/client';
import { SETTINGS, readSetting } from '../settings';
import { isFlagKind, type FlagKind } from './rules';

/**
 * Which intake flags hold funding until cleared. Every kind is raised and shown; by default only
 * a future issue date holds — a first invoice with a debtor, or two invoices of a debtor with
 * the same amount and date, are everyday events in many books, and the factor decides (the
 * `intake.holding_flags` setting: e.g. all five kinds) whether they stop funding too.
 */
export const DEFAULT_HOLDING_FLAGS: readonly FlagKind[] = ['future_issue_date'];

export async function holdingFlagKinds(tx: Pick<Tx, 'sql'>): Promise<Set<FlagKind>> {
  const stored = await readSetting(tx, SETTINGS.holdingFlags);
  return new Set(stored === null ? DEFAULT_HOLDING_FLAGS : stored.filter(isFlagKind));
}

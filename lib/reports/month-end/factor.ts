import type { RawSql } from '../../../db/client';
import { SETTINGS } from '../../settings';

/** The factor's name for a PDF's header (Settings, else FACTOR_NAME, else Holdback) — lib/statements' rule, on the pool. */
export async function factorNameOf(sql: RawSql): Promise<string> {
  const [row] = await sql<{ value: string | null }[]>`select value #>> '{}' as value from settings where key = ${SETTINGS.factorName}`;
  return (row?.value ?? '').trim() || process.env.FACTOR_NAME?.trim() || 'Holdback';
}

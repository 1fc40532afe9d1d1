import type { RawSql } from '../../db/client';
import { DEMO_USERS } from './users';

/** How long a page trusts the last answer (a layout asks on every request). */
export const DEMO_CHECK_TTL_MS = 30_000;

const cache = globalThis as unknown as { __holdbackDemoSignIns?: { at: number; present: boolean } };

/**
 * Whether a demo sign-in (README publishes their password) is still enabled, so the console and
 * the portal can say so on every page: one lookup on the users' unique email index, remembered
 * for DEMO_CHECK_TTL_MS. Disabling the demo users (Settings → Users) makes the banner go.
 */
export async function demoSignInsExist(sql: RawSql, now: number = Date.now()): Promise<boolean> {
  const hit = cache.__holdbackDemoSignIns;
  if (hit && now - hit.at < DEMO_CHECK_TTL_MS) return hit.present;
  const emails = DEMO_USERS.map((u) => u.email);
  const [row] = await sql<{ present: boolean }[]>`
    select exists (select 1 from users where email = any(${emails}::text[]) and disabled_at is null) as present`;
  cache.__holdbackDemoSignIns = { at: now, present: row!.present };
  return row!.present;
}

/** Forgets the remembered answer (tests; after the demo users are disabled). */
export function forgetDemoSignIns(): void {
  cache.__holdbackDemoSignIns = undefined;
}

import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { users } from '../../db/schema';
import { recordAudit } from '../audit';
import type { Actor } from './actor';

/**
 * Session versions (issue 11). A session cookie is a signed JWT that stays valid until it
 * expires, wherever a copy of it went; so each one carries the user's `session_version` from
 * sign-in, `currentActor()` compares it with the database on every request, and bumping the
 * version ends every session of the user at once: sign-out, a password change, disabling.
 */

/** Whether a session signed in under `tokenVersion` still counts for a user now at `userVersion`. */
export function sessionIsCurrent(tokenVersion: unknown, userVersion: number): boolean {
  // A token without a version predates versions: it counts as signed out.
  return typeof tokenVersion === 'number' && Number.isSafeInteger(tokenVersion) && tokenVersion === userVersion;
}

/** The bump itself, inside the caller's transaction (a password change, disabling a user). */
export async function bumpSessionVersion(tx: Tx, userId: number): Promise<void> {
  await tx.db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

/**
 * Sign-out: ends every session of the user (this browser's and any other copy of a cookie).
 * Only a session that is still current may do it, so an old stolen cookie cannot sign the
 * owner out of the session they have now. Returns whether it did.
 */
export async function signOutEverywhere(tx: Tx, userId: number, tokenVersion: unknown, actor: Actor): Promise<boolean> {
  if (typeof tokenVersion !== 'number' || !Number.isSafeInteger(tokenVersion)) return false;
  const ended = await tx.db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, userId), eq(users.sessionVersion, tokenVersion)))
    .returning({ version: users.sessionVersion });
  if (ended.length === 0) return false;
  await recordAudit(tx, actor, { action: 'auth.sign_out', targetType: 'user', targetId: userId, after: { sessionsEnded: true } });
  return true;
}

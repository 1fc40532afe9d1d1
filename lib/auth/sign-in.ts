import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { recordAudit } from '../audit';
import { DomainError } from '../errors';
import type { Actor } from './actor';
import { verifyPassword } from './password';
import type { Role } from './roles';

/** Failed sign-ins allowed per email (and, more loosely, per address) in the window. */
export const SIGN_IN_LIMITS = { perEmail: 5, perIp: 20, windowMinutes: 15 } as const;

export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  clientId: number | null;
}

function anonymous(email: string, ip: string | null): Actor {
  return { userId: null, label: email || 'anonymous', role: 'system', clientId: null, source: 'console', requestId: randomUUID(), ip };
}

/**
 * Email + password sign-in. Every attempt is audited; the audit log is also what the rate limit
 * counts, so there is one record of failures, not two.
 */
export async function authenticate(database: Database, rawEmail: string, password: string, ip: string | null): Promise<SignedInUser | null> {
  const email = String(rawEmail ?? '').trim().toLowerCase();
  const window = `${SIGN_IN_LIMITS.windowMinutes} minutes`;
  const [counts] = await database.sql<{ by_email: string; by_ip: string }[]>`
    select count(*) filter (where target_id = ${email}) as by_email,
           count(*) filter (where ip = ${ip}) as by_ip
      from audit_events
     where action = 'auth.sign_in_failed' and occurred_at > now() - ${window}::interval`;
  if (Number(counts!.by_email) >= SIGN_IN_LIMITS.perEmail || (ip !== null && Number(counts!.by_ip) >= SIGN_IN_LIMITS.perIp)) {
    await database.transaction((tx) =>
      recordAudit(tx, anonymous(email, ip), { action: 'auth.sign_in_throttled', targetType: 'user', targetId: email }),
    );
    throw new DomainError(
      'too_many_attempts',
      `Too many failed sign-ins. Wait ${SIGN_IN_LIMITS.windowMinutes} minutes and try again, or ask an administrator.`,
      { status: 422 },
    );
  }
  const [user] = email ? await database.db.select().from(users).where(eq(users.email, email)) : [];
  const ok = await verifyPassword(user?.passwordHash ?? null, String(password ?? ''));
  if (!user || !ok || user.disabledAt) {
    await database.transaction((tx) =>
      recordAudit(tx, anonymous(email, ip), {
        action: 'auth.sign_in_failed',
        targetType: 'user',
        targetId: email,
        after: { reason: !user ? 'unknown email' : user.disabledAt ? 'user disabled' : 'wrong password' },
      }),
    );
    return null;
  }
  await database.transaction(async (tx) => {
    await tx.db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
    await recordAudit(
      tx,
      { userId: user.id, label: user.email, role: user.role, clientId: user.clientId, source: 'console', requestId: randomUUID(), ip },
      { action: 'auth.sign_in', targetType: 'user', targetId: user.id },
    );
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, clientId: user.clientId };
}

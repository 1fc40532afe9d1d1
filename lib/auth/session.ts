import 'server-only';
import { cache } from 'react';
import { eq } from 'drizzle-orm';
import { getServerSession } from 'next-auth';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getDatabase } from '../../db/client';
import { users } from '../../db/schema';
import { DomainError } from '../errors';
import { clientIp } from '../http/client-ip';
import type { Actor } from './actor';
import { canOpen, requirePermission, type Permission } from './permissions';
import { boundedRequestId } from '../http/request';
import { authOptions } from './options';
import { sessionIsCurrent } from './sessions';
import type { Section } from './roles';

/**
 * The signed-in person for this request, read fresh from the database so a disabled user or
 * a changed role takes effect at once (the session cookie alone is not trusted for that), and
 * a session whose version is no longer the user's — signed out, password changed, disabled
 * since — counts as signed out (lib/auth/sessions.ts). Pages, server actions and the
 * session-or-key GETs of lib/http/api.ts all come through here.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions);
  const id = Number(session?.user?.id);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const [user] = await getDatabase().db.select().from(users).where(eq(users.id, id));
  if (!user || user.disabledAt || !sessionIsCurrent(session?.user?.sessionVersion, user.sessionVersion)) return null;
  const h = await headers();
  return {
    userId: user.id,
    label: user.email,
    role: user.role,
    clientId: user.clientId,
    source: 'console',
    // bounded here too: `next dev` has no scripts/web.ts in front to bound it
    requestId: boundedRequestId(h.get('x-request-id')),
    ip: clientIp(h),
  };
});

/** For pages: signed out → the sign-in page; without the section's permission (`section.<name>`) → 403. */
export async function requireSection(section: Section): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  if (!canOpen(actor, section)) forbidden();
  return actor;
}

/** For server actions (formAction): the signed-in actor holding `permission`; signed out → the sign-in page, otherwise 403's message. */
export async function actionActorFor(permission: Permission): Promise<Actor> {
  const actor = await currentActor();
  try {
    return requirePermission(actor, permission);
  } catch (error) {
    if (error instanceof DomainError && error.status === 401) redirect('/signin');
    throw error;
  }
}

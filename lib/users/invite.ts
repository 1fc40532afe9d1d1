import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { clients, users } from '../../db/schema';
import { recordAudit } from '../audit';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { MIN_PASSWORD_LENGTH } from '../auth/password';
import { DomainError, notFound, refused } from '../errors';
import { appUrl } from '../notifications';
import { queueEmail } from '../notifications/outbox';
import { factorName } from '../statements';
import { parseInput } from '../validation';
import { email, id, optional, text } from '../validation/fields';
import { createUser, passwordField, setPassword, type UserView } from './index';

/**
 * Inviting a client user (issue 7): the user is created without a password and emailed a link
 * to choose one. The link is a signed token (HMAC with AUTH_SECRET) naming the user, an expiry
 * and a fingerprint of the user's current password hash — so it works once (setting the password
 * changes the hash) and stops working when it expires or the user is disabled.
 */
export const INVITE_DAYS = 7;

function secret(): string {
  const s = process.env.AUTH_SECRET;
  if (!s) throw new Error('AUTH_SECRET is not set: invitation links cannot be signed');
  return s;
}

const fingerprint = (passwordHash: string | null) =>
  createHash('sha256')
    .update(passwordHash ?? 'no-password')
    .digest('base64url')
    .slice(0, 16);
const sign = (payload: string) => createHmac('sha256', secret()).update(`invite:${payload}`).digest('base64url');

export function inviteToken(user: { id: number; passwordHash: string | null }, expiresAt: Date): string {
  const payload = Buffer.from(JSON.stringify({ u: user.id, x: Math.floor(expiresAt.getTime() / 1000), f: fingerprint(user.passwordHash) })).toString(
    'base64url',
  );
  return `${payload}.${sign(payload)}`;
}

const invalidLink = () =>
  new DomainError('invalid_link', 'This link is not valid any more: it was used already, has expired, or was changed. Ask your factor for a new invitation.', {
    status: 400,
  });

/** The user an invitation link is for, if the link is genuine, unused and unexpired. */
export async function readInvite(
  tx: Tx,
  token: unknown,
  now: Date = new Date(),
): Promise<{ id: number; email: string; name: string; passwordHash: string | null }> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw invalidLink();
  const [payload, mac] = token.split('.') as [string, string];
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidLink();
  let data: { u?: unknown; x?: unknown; f?: unknown };
  try {
    data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidLink();
  }
  if (typeof data.u !== 'number' || typeof data.x !== 'number' || data.x * 1000 < now.getTime()) throw invalidLink();
  const [user] = await tx.db.select().from(users).where(eq(users.id, data.u));
  if (!user || user.disabledAt || fingerprint(user.passwordHash) !== data.f) throw invalidLink();
  return { id: user.id, email: user.email, name: user.name, passwordHash: user.passwordHash };
}

/** Who is invited: a client's person, by email, to that client's portal. */
export const inviteSchema = z.object({
  email: email('Email'),
  name: optional(text('Name', { max: 200 })),
  clientId: id('Client'),
});

/** Creates the client user (no password yet) and queues the invitation with its link. */
export async function inviteClientUser(tx: Tx, input: unknown, actor: Actor, now: Date = new Date()): Promise<{ user: UserView; expires: string }> {
  requirePermission(actor, 'user.manage');
  const data = parseInput(inviteSchema, input);
  const { user } = await createUser(tx, { email: data.email, name: data.name, role: 'client', clientId: data.clientId }, actor);
  const [client] = await tx.db
    .select({ name: clients.name })
    .from(clients)
    .where(eq(clients.id, Number(user.clientId)));
  if (!client) throw notFound('Client', data.clientId);
  const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000);
  const token = inviteToken({ id: Number(user.id), passwordHash: null }, expiresAt);
  const expires = `${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  await queueEmail(tx, {
    to: user.email,
    template: 'client_invite',
    data: {
      name: user.name,
      email: user.email,
      clientName: client.name,
      factorName: await factorName(tx),
      setPasswordUrl: `${appUrl()}/set-password?token=${token}`,
      expires,
    },
    clientId: Number(user.clientId),
  });
  await recordAudit(tx, actor, {
    action: 'user.invite',
    targetType: 'user',
    targetId: user.id,
    after: { email: user.email, clientId: user.clientId, expires },
  });
  return { user, expires };
}

/**
 * The set-password form: the link's token, the new password and the same again. The token is
 * checked by `readInvite`, the password's length and the match again by `acceptInvite`.
 */
export const setPasswordSchema = z
  .object({
    token: text('Invitation link', { max: 2000 }),
    password: passwordField('New password'),
    confirm: passwordField('The same password again'),
  })
  .superRefine((v, ctx) => {
    if (typeof v.password === 'string' && typeof v.confirm === 'string' && v.password !== v.confirm)
      ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two passwords differ: type the same password twice' });
  });

/** Sets the first password from an invitation link (the invited person, not signed in). */
export async function acceptInvite(tx: Tx, input: { token?: unknown; password?: unknown; confirm?: unknown }): Promise<{ email: string }> {
  const user = await readInvite(tx, input.token);
  const password = typeof input.password === 'string' ? input.password : '';
  if (password.length < MIN_PASSWORD_LENGTH)
    throw refused('weak_password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      password: `New password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    });
  if (input.confirm !== undefined && input.confirm !== password)
    throw refused('password_mismatch', 'The two passwords differ', { confirm: 'The two passwords differ: type the same password twice' });
  const self: Actor = { userId: user.id, label: user.email, role: 'client', clientId: null, source: 'console', requestId: `invite-${user.id}`, ip: null };
  await setPassword(tx, user.id, password, self);
  return { email: user.email };
}

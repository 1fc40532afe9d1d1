import { z } from 'zod';
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { apiKeys, clients, users } from '../../db/schema';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { generateApiKey } from '../auth/api-keys';
import { bumpSessionVersion } from '../auth/sessions';
import { MIN_PASSWORD_LENGTH, hashPassword } from '../auth/password';
import { isClientUser, requirePermission } from '../auth/permissions';
import { ROLES, type Role } from '../auth/roles';
import { conflict, notFound, refused } from '../errors';
import { parseInput } from '../validation';
import { choice, email, id, optional, text } from '../validation/fields';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  clientId: string | null;
  disabled: boolean;
  lastSignInAt: string | null;
  createdAt: string;
}

type UserRow = typeof users.$inferSelect;

export function userView(u: UserRow): UserView {
  return {
    id: String(u.id),
    email: u.email,
    name: u.name,
    role: u.role,
    clientId: u.clientId === null ? null : String(u.clientId),
    disabled: u.disabledAt !== null,
    lastSignInAt: u.lastSignInAt ? u.lastSignInAt.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** A password as typed: never trimmed, at least MIN_PASSWORD_LENGTH characters. */
export function passwordField(label = 'Password') {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be text`) })
    .min(MIN_PASSWORD_LENGTH, { error: `${label} must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(200, { error: `${label} must be at most 200 characters` });
}

/** A new user (the console's Create a user form and the command line), each error naming its field. */
export const createUserSchema = z
  .object({
    email: email('Email'),
    name: optional(text('Name', { max: 200 })),
    role: choice('Role', ROLES),
    clientId: optional(id('Client')),
    password: optional(passwordField('Password')),
  })
  .superRefine((v, ctx) => {
    const client = isClientUser({ role: v.role });
    if (client && !v.clientId)
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'Client is required for a client user: choose the client it belongs to' });
    if (!client && v.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'Client: only client users belong to a client' });
  });
export type CreateUserInput = { email: string; role: Role; name?: string; clientId?: number | string | null; password?: string };

/** Creates a user (admins only). With `reuse`, an existing user of that email is returned instead of a conflict. */
export async function createUser(
  tx: Tx,
  input: CreateUserInput,
  actor: Actor,
  options: { reuse?: boolean } = {},
): Promise<{ user: UserView; created: boolean }> {
  requirePermission(actor, 'user.manage');
  const data = parseInput(createUserSchema, input);
  if (data.clientId) {
    const [client] = await tx.db.select({ id: clients.id }).from(clients).where(eq(clients.id, data.clientId));
    if (!client) throw notFound('Client', data.clientId);
  }
  const [existing] = await tx.db.select().from(users).where(eq(users.email, data.email));
  if (existing) {
    if (!options.reuse) throw conflict('email_taken', `A user with email ${data.email} exists already`);
    if (existing.role !== data.role || (existing.clientId ?? null) !== (data.clientId ?? null)) {
      throw conflict('email_taken', `${data.email} exists already with role ${existing.role}; not changing it`);
    }
    return { user: userView(existing), created: false };
  }
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const [row] = await tx.db
    .insert(users)
    .values({ email: data.email, name: data.name || data.email, role: data.role, clientId: data.clientId ?? null, passwordHash })
    .returning();
  const view = userView(row!);
  await recordAudit(tx, actor, { action: 'user.create', targetType: 'user', targetId: row!.id, after: view });
  return { user: view, created: true };
}

/**
 * Sets a user's password (the person themself, an admin or the CLI, an invitation link) and
 * ends every session the user has (issue 11): whoever knew the old password is out.
 */
export async function setPassword(tx: Tx, userId: number, password: string, actor: Actor): Promise<void> {
  if (actor.userId !== userId) requirePermission(actor, 'user.manage');
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw refused('weak_password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      password: `Password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    });
  }
  const updated = await tx.db
    .update(users)
    .set({ passwordHash: await hashPassword(password) })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (updated.length === 0) throw notFound('User', userId);
  await bumpSessionVersion(tx, userId);
  await recordAudit(tx, actor, { action: 'user.set_password', targetType: 'user', targetId: userId, after: { sessionsEnded: true } });
}

export async function setUserDisabled(tx: Tx, userId: number, disabled: boolean, actor: Actor): Promise<UserView> {
  requirePermission(actor, 'user.manage');
  if (actor.userId === userId && disabled) throw refused('self_disable', 'You cannot disable your own account');
  const [before] = await tx.db.select().from(users).where(eq(users.id, userId));
  if (!before) throw notFound('User', userId);
  const [after] = await tx.db
    .update(users)
    .set({ disabledAt: disabled ? new Date() : null })
    .where(eq(users.id, userId))
    .returning();
  if (disabled) {
    await tx.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
    // Enabling the user again must not bring back the sessions it had before.
    await bumpSessionVersion(tx, userId);
  }
  await recordAudit(tx, actor, {
    action: disabled ? 'user.disable' : 'user.enable',
    targetType: 'user',
    targetId: userId,
    before: userView(before),
    after: userView(after!),
  });
  return userView(after!);
}

/** Issues an API key for a user; the key is returned once and only its hash is kept. */
export async function createApiKey(tx: Tx, userId: number, label: string, actor: Actor): Promise<{ id: string; key: string; prefix: string }> {
  if (actor.userId !== userId) requirePermission(actor, 'user.manage');
  const [user] = await tx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User', userId);
  if (user.disabledAt) throw refused('user_disabled', `${user.email} is disabled`);
  const { key, keyHash, prefix } = generateApiKey();
  const [row] = await tx.db.insert(apiKeys).values({ userId, keyHash, prefix, label }).returning({ id: apiKeys.id });
  await recordAudit(tx, actor, { action: 'api_key.create', targetType: 'user', targetId: userId, after: { keyId: String(row!.id), prefix, label } });
  return { id: String(row!.id), key, prefix };
}

export async function revokeApiKey(tx: Tx, keyId: number, actor: Actor): Promise<void> {
  const [key] = await tx.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
  if (!key) throw notFound('API key', keyId);
  if (actor.userId !== key.userId) requirePermission(actor, 'user.manage');
  await tx.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId));
  await recordAudit(tx, actor, { action: 'api_key.revoke', targetType: 'user', targetId: key.userId, after: { keyId: String(keyId), prefix: key.prefix } });
}

export async function listUsers(tx: Tx): Promise<(UserView & { clientName: string | null; activeKeys: number })[]> {
  const rows = await tx.sql<{ id: string; client_name: string | null; keys: number }[]>`
    select u.id, c.name as client_name,
           (select count(*)::int from api_keys k where k.user_id = u.id and k.revoked_at is null) as keys
      from users u left join clients c on c.id = u.client_id`;
  const extra = new Map(rows.map((r) => [r.id, r]));
  const all = await tx.db.select().from(users).orderBy(users.role, users.email);
  return all.map((u) => ({ ...userView(u), clientName: extra.get(String(u.id))?.client_name ?? null, activeKeys: extra.get(String(u.id))?.keys ?? 0 }));
}

import { z } from 'zod';
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { agreements, clients } from '../../db/schema';
import { agreementTermsSchema, type AgreementTerms, type AgreementTermsInput } from '../agreements/terms';
import { recordAudit } from '../audit';
import { assertClientScope, requireRole, type Actor } from '../auth/actor';
import { todayIn } from '../dates';
import { notFound } from '../errors';
import { parseInput } from '../validation';

export const CLIENT_WRITE_ROLES = ['underwriter'] as const;

export const createClientSchema = z.object({
  name: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(200),
  currency: z.string({ error: 'is required' }).regex(/^[A-Z]{3}$/, { error: 'must be a currency code such as USD' }),
  status: z.enum(['prospect', 'pending_review', 'active', 'suspended', 'closed']).optional(),
  contacts: z.array(z.object({ name: z.string().trim().min(1), email: z.email() })).optional(),
  agreement: agreementTermsSchema.optional(),
  effectiveFrom: z.string().optional(),
});
export type CreateClientInput = z.input<typeof createClientSchema> & { agreement?: AgreementTermsInput };

export interface AgreementView extends AgreementTerms {
  id: string;
  version: number;
  effectiveFrom: string;
  status: string;
}

export interface ClientView {
  id: string;
  name: string;
  currency: string;
  status: string;
  contacts: { name: string; email: string }[];
  agreement: AgreementView | null;
  createdAt: string;
}

type AgreementRow = typeof agreements.$inferSelect;

function agreementView(row: AgreementRow): AgreementView {
  return { ...(row.terms as AgreementTerms), id: String(row.id), version: row.version, effectiveFrom: row.effectiveFrom, status: row.status };
}

/**
 * Creates a client with its first agreement version. Clients created through the API are
 * `active` (API.md); the console's onboarding starts them as `prospect`.
 */
export async function createClient(tx: Tx, input: CreateClientInput, actor: Actor, options: { defaultStatus?: 'prospect' | 'active' } = {}): Promise<ClientView> {
  requireRole(actor, CLIENT_WRITE_ROLES);
  const data = parseInput(createClientSchema, input);
  const terms = parseInput(agreementTermsSchema, input.agreement ?? {});
  const effectiveFrom = data.effectiveFrom ?? todayIn();
  const [client] = await tx.db
    .insert(clients)
    .values({ name: data.name, currency: data.currency, status: data.status ?? options.defaultStatus ?? 'prospect', contacts: data.contacts ?? [], createdBy: actor.userId })
    .returning();
  const [agreement] = await tx.db
    .insert(agreements)
    .values({
      clientId: client!.id,
      version: 1,
      effectiveFrom,
      status: 'approved',
      model: terms.model,
      advanceRate: terms.advanceRate,
      reserveRate: terms.reserveRate,
      creditLimit: terms.creditLimit,
      concentrationLimit: terms.concentrationLimit,
      terms,
      createdBy: actor.userId,
      approvedBy: actor.userId,
      approvedAt: new Date(),
    })
    .returning();
  const view: ClientView = {
    id: String(client!.id),
    name: client!.name,
    currency: client!.currency,
    status: client!.status,
    contacts: client!.contacts,
    agreement: agreementView(agreement!),
    createdAt: client!.createdAt.toISOString(),
  };
  await recordAudit(tx, actor, { action: 'client.create', targetType: 'client', targetId: client!.id, after: view });
  return view;
}

/** The agreement version in force on a date (the latest approved one effective by then). */
export async function agreementOn(tx: Tx, clientId: number, date: string): Promise<AgreementView | null> {
  const [row] = await tx.db
    .select()
    .from(agreements)
    .where(and(eq(agreements.clientId, clientId), eq(agreements.status, 'approved'), lte(agreements.effectiveFrom, date)))
    .orderBy(desc(agreements.effectiveFrom), desc(agreements.version))
    .limit(1);
  return row ? agreementView(row) : null;
}

/** A client with its current agreement; a client user asking for another client gets 404. */
export async function getClient(tx: Tx, clientId: number, actor: Actor): Promise<ClientView> {
  assertClientScope(actor, clientId);
  const [client] = await tx.db.select().from(clients).where(eq(clients.id, clientId));
  if (!client) throw notFound('Client', clientId);
  let agreement = await agreementOn(tx, clientId, todayIn());
  if (!agreement) {
    // Not yet in force: show the first approved version.
    const [first] = await tx.db.select().from(agreements).where(and(eq(agreements.clientId, clientId), eq(agreements.status, 'approved'))).orderBy(agreements.version).limit(1);
    agreement = first ? agreementView(first) : null;
  }
  return {
    id: String(client.id),
    name: client.name,
    currency: client.currency,
    status: client.status,
    contacts: client.contacts,
    agreement,
    createdAt: client.createdAt.toISOString(),
  };
}

import { z } from 'zod';
import { and, desc, eq, lte } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { agreements, clients, type ClientContact } from '../../db/schema';
import { agreementTermsSchema, type AgreementTerms, type AgreementTermsInput } from '../agreements/terms';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow, todayIn } from '../dates';
import { notFound } from '../errors';
import { parseInput } from '../validation';
import { array, boolean, choice, currency, email, optional, text } from '../validation/fields';

/** A new client (API.md POST /clients; the console's New client form gives the same input). */
export const createClientSchema = z.object({
  name: text('Name', { max: 200 }),
  currency: currency('Currency'),
  status: optional(choice('Status', ['prospect', 'pending_review', 'active', 'suspended', 'closed'])),
  contacts: optional(
    array(
      'Contacts',
      z.object({
        name: text('Contact name', { max: 200 }),
        email: email('Contact email'),
        notifyStatements: boolean('Statement emails').default(true),
        notifyRebates: boolean('Rebate advice').default(true),
      }),
      { max: 50 },
    ),
  ),
  agreement: agreementTermsSchema.optional(),
  effectiveFrom: z.string({ error: 'Effective date must be a date written YYYY-MM-DD' }).optional(),
});
export type CreateClientInput = {
  name: string;
  currency: string;
  status?: 'prospect' | 'pending_review' | 'active' | 'suspended' | 'closed';
  contacts?: { name: string; email: string; notifyStatements?: boolean; notifyRebates?: boolean }[];
  agreement?: AgreementTermsInput;
  effectiveFrom?: string;
};

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
  statusReason: string | null;
  kyb: Record<string, { done: boolean; by: string; at: string }>;
  contacts: ClientContact[];
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
export async function createClient(
  tx: Tx,
  input: CreateClientInput,
  actor: Actor,
  options: { defaultStatus?: 'prospect' | 'active' } = {},
): Promise<ClientView> {
  requirePermission(actor, 'client.create');
  const data = parseInput(createClientSchema, input);
  const terms = parseInput(agreementTermsSchema, input.agreement ?? {});
  const effectiveFrom =
    data.effectiveFrom === undefined ? todayIn() : assertBusinessDateInWindow(data.effectiveFrom, 'Effective date', 'ahead', { field: 'effectiveFrom' });
  const [client] = await tx.db
    .insert(clients)
    .values({
      name: data.name,
      currency: data.currency,
      status: data.status ?? options.defaultStatus ?? 'prospect',
      contacts: data.contacts ?? [],
      createdBy: actor.userId,
    })
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
    statusReason: client!.statusReason,
    kyb: client!.kyb as ClientView['kyb'],
    contacts: client!.contacts,
    agreement: agreementView(agreement!),
    createdAt: client!.createdAt.toISOString(),
  };
  await recordAudit(tx, actor, { action: 'client.create', targetType: 'client', targetId: client!.id, after: view });
  return view;
}

/**
 * The agreement version in force on a business date: the latest approved version effective by
 * then. Before its first version's date a client has only ever had those first terms, so they
 * apply (a client onboarded today can fund invoices bought last month under them); later
 * versions never reach back before their own effective date.
 */
export async function agreementOn(tx: Tx, clientId: number, date: string): Promise<AgreementView | null> {
  const [row] = await tx.db
    .select()
    .from(agreements)
    .where(and(eq(agreements.clientId, clientId), eq(agreements.status, 'approved'), lte(agreements.effectiveFrom, date)))
    .orderBy(desc(agreements.effectiveFrom), desc(agreements.version))
    .limit(1);
  if (row) return agreementView(row);
  const [first] = await tx.db
    .select()
    .from(agreements)
    .where(and(eq(agreements.clientId, clientId), eq(agreements.status, 'approved')))
    .orderBy(agreements.effectiveFrom, agreements.version)
    .limit(1);
  return first ? agreementView(first) : null;
}

/**
 * `agreementOn`'s rule over versions already read (the client page reads every version): the
 * approved version in force on `date` — the latest effective on or before it, the higher version
 * of a day — else, before the first one's date, the first approved terms.
 */
export function agreementInForce(versions: readonly AgreementView[], date: string): AgreementView | null {
  const approved = versions.filter((v) => v.status === 'approved');
  const byDate = (a: AgreementView, b: AgreementView) =>
    a.effectiveFrom === b.effectiveFrom ? a.version - b.version : a.effectiveFrom < b.effectiveFrom ? -1 : 1;
  const started = approved.filter((v) => v.effectiveFrom <= date).sort(byDate);
  if (started.length > 0) return started[started.length - 1]!;
  return [...approved].sort(byDate)[0] ?? null;
}

/**
 * The currencies a client's invoices may be in: those of the agreement in force today and of any
 * approved version that starts later (none listed: the client's home currency). An invoice in
 * another currency is refused when it is entered, not only when someone tries to fund it.
 */
export async function fundableCurrencies(tx: Tx, client: { id: number; currency: string }, today: string = todayIn()): Promise<string[]> {
  const rows = await tx.db
    .select({ effectiveFrom: agreements.effectiveFrom, terms: agreements.terms })
    .from(agreements)
    .where(and(eq(agreements.clientId, client.id), eq(agreements.status, 'approved')))
    .orderBy(desc(agreements.effectiveFrom), desc(agreements.version));
  const inForce = rows.find((r) => r.effectiveFrom <= today) ?? rows[rows.length - 1];
  const relevant = rows.filter((r) => r === inForce || r.effectiveFrom > today);
  const currencies = new Set<string>();
  for (const r of relevant) {
    const listed = (r.terms as AgreementTerms).currencies;
    for (const c of listed?.length ? listed : [client.currency]) currencies.add(c);
  }
  if (currencies.size === 0) currencies.add(client.currency);
  return [...currencies].sort();
}

/** A client with its current agreement; a client user asking for another client gets 404. */
export async function getClient(tx: Tx, clientId: number, actor: Actor, options: { withAgreement?: boolean } = {}): Promise<ClientView> {
  assertClientScope(actor, clientId);
  const [client] = await tx.db.select().from(clients).where(eq(clients.id, clientId));
  if (!client) throw notFound('Client', clientId);
  // withAgreement false: the caller does not show it, or finds it in the versions it reads (agreementInForce)
  const agreement = options.withAgreement === false ? null : await agreementOn(tx, clientId, todayIn());
  return {
    id: String(client.id),
    name: client.name,
    currency: client.currency,
    status: client.status,
    statusReason: client.statusReason,
    kyb: client.kyb as ClientView['kyb'],
    contacts: client.contacts,
    agreement,
    createdAt: client.createdAt.toISOString(),
  };
}

/** Every agreement version of a client, newest first (history is never rewritten). */
export async function agreementVersions(tx: Tx, clientId: number, actor: Actor): Promise<AgreementView[]> {
  assertClientScope(actor, clientId);
  const rows = await tx.db.select().from(agreements).where(eq(agreements.clientId, clientId)).orderBy(desc(agreements.version));
  return rows.map(agreementView);
}

import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { ClientContact } from '../../db/schema';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { notFound } from '../errors';
import { parseInput } from '../validation';
import { boolean, email } from '../validation/fields';

/** One contact's choices (JSON true/false); the console's forms send checkboxes with the same names. */
export const preferencesSchema = z.object({
  email: email('Contact email'),
  notifyStatements: boolean('Statement emails'),
  notifyRebates: boolean('Rebate advice'),
});

/**
 * Which emails a client contact receives: the monthly statement-ready notice and the rebate
 * advice (both on unless turned off). Audited with the before and after.
 */
export async function setContactPreferences(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<ClientContact[]> {
  // Underwriters and admins keep a client's contacts; a client user chooses its own (own client only).
  requirePermission(actor, 'client.own_contacts');
  assertClientScope(actor, clientId);
  const data = parseInput(preferencesSchema, input);
  const [client] = await tx.sql<{ contacts: ClientContact[] }[]>`select contacts from clients where id = ${clientId} for update`;
  if (!client) throw notFound('Client', clientId);
  const contacts = client.contacts ?? [];
  const index = contacts.findIndex((c) => c.email.toLowerCase() === data.email.toLowerCase());
  if (index < 0) throw notFound(`Contact ${data.email} of client ${clientId}`);
  const before = contacts[index]!;
  const after: ClientContact = { ...before, notifyStatements: data.notifyStatements, notifyRebates: data.notifyRebates };
  const updated = contacts.map((c, i) => (i === index ? after : c));
  await tx.sql`update clients set contacts = ${JSON.stringify(updated)}::jsonb where id = ${clientId}`;
  await recordAudit(tx, actor, {
    action: 'client.contact_preferences',
    targetType: 'client',
    targetId: clientId,
    before: { email: before.email, notifyStatements: before.notifyStatements !== false, notifyRebates: before.notifyRebates !== false },
    after: { email: after.email, notifyStatements: data.notifyStatements, notifyRebates: data.notifyRebates },
  });
  return updated;
}

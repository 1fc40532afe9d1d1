import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { ClientContact } from '../../db/schema';
import { recordAudit } from '../audit';
import { assertClientScope, requireRole, type Actor } from '../auth/actor';
import { notFound } from '../errors';
import { parseInput } from '../validation';

/** Underwriters keep a client's contacts; a client user may choose its own emails (own client only). */
export const CONTACT_PREFERENCE_ROLES = ['underwriter', 'admin', 'client'] as const;

const preferencesSchema = z.object({
  email: z.email({ error: 'must be the email address of one of the client’s contacts' }),
  notifyStatements: z.boolean({ error: 'must be true or false' }),
  notifyRebates: z.boolean({ error: 'must be true or false' }),
});

/**
 * Which emails a client contact receives: the monthly statement-ready notice and the rebate
 * advice (both on unless turned off). Audited with the before and after.
 */
export async function setContactPreferences(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<ClientContact[]> {
  requireRole(actor, CONTACT_PREFERENCE_ROLES);
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

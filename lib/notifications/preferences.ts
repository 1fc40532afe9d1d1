import type { ClientContact } from '../../db/schema/clients';

/** What a client contact may opt out of (each defaults to yes). */
export type ContactTopic = 'statements' | 'rebates';

export function wantsEmail(contact: Pick<ClientContact, 'notifyStatements' | 'notifyRebates'>, topic: ContactTopic): boolean {
  return (topic === 'statements' ? contact.notifyStatements : contact.notifyRebates) !== false;
}

/** The contacts who want emails on `topic`, each address once (case-insensitive), in their order. */
export function recipientsFor<C extends Pick<ClientContact, 'email' | 'notifyStatements' | 'notifyRebates'>>(
  contacts: readonly C[] | null | undefined,
  topic: ContactTopic,
): C[] {
  const seen = new Set<string>();
  const out: C[] = [];
  for (const contact of contacts ?? []) {
    const key = contact.email.trim().toLowerCase();
    if (!key || seen.has(key) || !wantsEmail(contact, topic)) continue;
    seen.add(key);
    out.push(contact);
  }
  return out;
}

'use client';

/**
 * Issue 13 item 4: picking one client of 10,000 — a select of them all is no use. Type part of the
 * name (or the client's number, "#123" or "123"): the suggestions come from the clients list API
 * (GET /api/v1/clients?name=…, the signed-in session), each with its number, home currency and
 * status, so two clients of the same name are told apart. The form receives `name` (the client's
 * id) from a hidden field, and `${name}Label` (what was typed) so a refused form shows it again.
 */
import { clientLabel, idFromLabel, type PickedClient } from './client-label';
import { PartyPicker } from './party-picker';

export { clientLabel, idFromLabel, type PickedClient };

const toClient = (c: Record<string, unknown>): PickedClient => ({
  id: String(c.id),
  name: String(c.name),
  currency: String(c.currency),
  status: String(c.status),
});

export function ClientPicker({
  name = 'clientId',
  label = 'Client',
  initialId = '',
  initialLabel = '',
  error,
  hint = 'Type part of the name, or the client number',
  onPick,
  required = true,
}: {
  name?: string;
  label?: string;
  initialId?: string;
  initialLabel?: string;
  error?: string;
  hint?: string;
  onPick?: (client: PickedClient) => void;
  required?: boolean;
}) {
  return (
    <PartyPicker
      endpoint="/api/v1/clients"
      toParty={toClient}
      labelOf={clientLabel}
      name={name}
      label={label}
      initialId={initialId}
      initialLabel={initialLabel}
      error={error}
      hint={hint}
      onPick={onPick}
      required={required}
    />
  );
}

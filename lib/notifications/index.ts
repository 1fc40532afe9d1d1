import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { requireRole, type Actor } from '../auth/actor';
import { parseInput } from '../validation';
import { queueEmail } from './outbox';

export { queueEmail, retryEmail, sendDueEmails } from './outbox';

export function appUrl(): string {
  return process.env.NEXTAUTH_URL || `http://localhost:${process.env.PORT || 3000}`;
}

/** Settings → "Send a test email" (admins): proves the outbox and the mail server work end to end. */
export async function sendTestEmail(tx: Tx, input: { to: unknown }, actor: Actor): Promise<number> {
  requireRole(actor, 'admin');
  const { to } = parseInput(z.object({ to: z.email({ error: 'must be an email address' }) }), input);
  const id = await queueEmail(tx, { to, template: 'test_message', data: { requestedBy: actor.label, at: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC' } });
  await recordAudit(tx, actor, { action: 'email.test', targetType: 'email', targetId: id, after: { to } });
  return id!;
}

import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { parseInput } from '../validation';
import { email } from '../validation/fields';
import { queueEmail } from './outbox';

export { queueEmail, retryEmail, sendDueEmails } from './outbox';

export function appUrl(): string {
  return process.env.NEXTAUTH_URL || `http://localhost:${process.env.PORT || 3000}`;
}

/** Where a test email goes. */
export const testEmailSchema = z.object({ to: email('Send a test email to') });

/** Settings → "Send a test email" (admins): proves the outbox and the mail server work end to end. */
export async function sendTestEmail(tx: Tx, input: { to: unknown }, actor: Actor): Promise<number> {
  requirePermission(actor, 'outbox.manage');
  const { to } = parseInput(testEmailSchema, input);
  const id = await queueEmail(tx, {
    to,
    template: 'test_message',
    data: { requestedBy: actor.label, at: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC' },
  });
  await recordAudit(tx, actor, { action: 'email.test', targetType: 'email', targetId: id, after: { to } });
  return id!;
}

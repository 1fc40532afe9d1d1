import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError, notFound } from '../errors';
import { parseInput } from '../validation';
import { email, optional, text } from '../validation/fields';

/**
 * Issue 15, item 4: a debtor's accounts-payable contact — the address its statements and payment
 * reminders are emailed to (none: nothing is sent to the debtor, the reminder job passes it by).
 * Set on the debtor's page or by PUT /debtors/{id}/ap-contact, by underwriters and collections
 * (`debtor.contact`); audited with the before and after.
 */

export const AP_CONTACT_LABELS = { apEmail: 'AP contact email', apName: 'AP contact name' } as const;

/** A blank email clears the contact (and its name). */
export const apContactSchema = z.object({
  apEmail: optional(email(AP_CONTACT_LABELS.apEmail)),
  apName: optional(text(AP_CONTACT_LABELS.apName, { max: 140 })),
});

export interface ApContact {
  debtorId: string;
  debtorName: string;
  apEmail: string | null;
  apName: string | null;
}

export async function setDebtorApContact(tx: Tx, debtorId: number, input: unknown, actor: Actor): Promise<ApContact> {
  requirePermission(actor, 'debtor.contact');
  const data = parseInput(apContactSchema, input);
  const [before] = await tx.sql<{ name: string; ap_email: string | null; ap_name: string | null; merged_into_id: string | null }[]>`
    select name, ap_email, ap_name, merged_into_id::text from debtors where id = ${debtorId} for update`;
  if (!before) throw notFound('Debtor', debtorId);
  if (before.merged_into_id)
    throw new DomainError('debtor_merged', `${before.name} (debtor ${debtorId}) was merged into debtor ${before.merged_into_id}; use that debtor instead`, {
      status: 422,
    });
  const apEmail = data.apEmail ?? null;
  const apName = apEmail ? (data.apName ?? null) : null;
  await tx.sql`update debtors set ap_email = ${apEmail}, ap_name = ${apName} where id = ${debtorId}`;
  await recordAudit(tx, actor, {
    action: 'debtor.ap_contact',
    targetType: 'debtor',
    targetId: debtorId,
    before: { apEmail: before.ap_email, apName: before.ap_name },
    after: { apEmail, apName },
  });
  return { debtorId: String(debtorId), debtorName: before.name, apEmail, apName };
}

/** The debtor's AP contact as recorded (both null: none). */
export async function readApContact(tx: Pick<Tx, 'sql'>, debtorId: number): Promise<{ apEmail: string | null; apName: string | null }> {
  const [row] = await tx.sql<{ ap_email: string | null; ap_name: string | null }[]>`select ap_email, ap_name from debtors where id = ${debtorId}`;
  return { apEmail: row?.ap_email ?? null, apName: row?.ap_name ?? null };
}

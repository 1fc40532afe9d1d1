import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { PayoutAccount } from '../../db/schema';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { notFound } from '../errors';
import { isRoutingNumber } from '../releases/nacha';
import { parseInput } from '../validation';
import { choice, optional, text } from '../validation/fields';

/** A client's payout bank account (API.md PUT …/payout-account and the console's form alike). */
export const payoutAccountSchema = z.object({
  holderName: text('Account holder', { max: 100 }),
  routing: text('Routing number', { max: 20 }).refine(isRoutingNumber, {
    error: 'Routing number must be a 9-digit ABA routing number (its check digit is wrong or it is not 9 digits)',
  }),
  account: text('Account number', { max: 40 }).refine((v) => /^[0-9A-Za-z-]{4,17}$/.test(v), { error: 'Account number must be 4 to 17 letters or digits' }),
  accountType: optional(choice('Account type', ['checking', 'savings'])).transform((v) => v ?? 'checking'),
});

/** For screens and the audit log: never the whole account number. */
export function maskAccount(a: PayoutAccount): PayoutAccount & { masked: string } {
  return { ...a, account: `••••${a.account.slice(-4)}`, masked: `${a.accountType} ••••${a.account.slice(-4)} at ${a.routing}` };
}

export async function getPayoutAccount(tx: Tx, clientId: number, actor: Actor): Promise<(PayoutAccount & { masked: string }) | null> {
  assertClientScope(actor, clientId);
  const [row] = await tx.sql<{ payout_account: PayoutAccount | null }[]>`select payout_account from clients where id = ${clientId}`;
  if (!row) throw notFound('Client', clientId);
  return row.payout_account ? maskAccount(row.payout_account) : null;
}

export async function setPayoutAccount(tx: Tx, clientId: number, input: unknown, actor: Actor): Promise<PayoutAccount & { masked: string }> {
  // onboarding data, like the agreement
  requirePermission(actor, 'client.payout_account');
  const data = parseInput(payoutAccountSchema, input);
  const [row] = await tx.sql<{ payout_account: PayoutAccount | null }[]>`select payout_account from clients where id = ${clientId} for update`;
  if (!row) throw notFound('Client', clientId);
  const account: PayoutAccount = { holderName: data.holderName, routing: data.routing, account: data.account, accountType: data.accountType };
  // Setting the account again (confirmed or replaced) clears a flag a payout return left (issue 14): its releases may be batched again.
  await tx.sql`update clients set payout_account = ${JSON.stringify(account)}::jsonb, payout_account_flag = null where id = ${clientId}`;
  await recordAudit(tx, actor, {
    action: 'client.payout_account',
    targetType: 'client',
    targetId: clientId,
    before: row.payout_account ? maskAccount(row.payout_account) : null,
    after: maskAccount(account),
  });
  return maskAccount(account);
}

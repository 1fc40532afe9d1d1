import { z } from 'zod';
import type { Tx } from '../../db/client';
import type { PayoutAccount } from '../../db/schema';
import { assertClientScope, type Actor } from '../auth/actor';
import { notFound } from '../errors';
import { accountNumber, bic, iban, maskAccount, routingNumber } from '../validation/bank';
import { choice, id, optional, text } from '../validation/fields';

/**
 * A client's payout bank account (issue 14): a US account — ABA routing number, account number
 * and type — or an IBAN account with its BIC, each with the holder's name. The console's form and
 * `PUT /api/v1/clients/{id}/payout-account` read it alike; the change it asks for takes effect
 * only once someone else approves it (./payout-changes.ts).
 *
 * `kind` says which (`aba` or `iban`); left out, an IBAN typed means an IBAN account, else ABA.
 */
export const PAYOUT_ACCOUNT_KINDS = ['aba', 'iban'] as const;
export const PAYOUT_ACCOUNT_KIND_LABELS = { aba: 'US bank account (ABA routing number)', iban: 'IBAN account (SEPA / international)' } as const;

export const PAYOUT_LABELS = {
  holderName: 'Account holder',
  routing: 'Routing number',
  account: 'Account number',
  accountType: 'Account type',
  iban: 'IBAN',
  bic: 'BIC',
} as const;

/** The fields of the form and of the API's body, before they are read as one account (`toPayoutAccount`). */
export const payoutAccountFields = z.object({
  kind: optional(choice('Kind of account', PAYOUT_ACCOUNT_KINDS, PAYOUT_ACCOUNT_KIND_LABELS)),
  holderName: text(PAYOUT_LABELS.holderName, { max: 100 }),
  routing: optional(routingNumber(PAYOUT_LABELS.routing)),
  account: optional(accountNumber(PAYOUT_LABELS.account)),
  accountType: optional(choice(PAYOUT_LABELS.accountType, ['checking', 'savings'])),
  iban: optional(iban(PAYOUT_LABELS.iban)),
  bic: optional(bic(PAYOUT_LABELS.bic)),
});

/** The fields as one account: an IBAN account (IBAN and BIC) or a US one (routing and account number), each field asked for by name. */
export function toPayoutAccount(v: z.output<typeof payoutAccountFields>, ctx: z.RefinementCtx): PayoutAccount {
  const kind = v.kind ?? (v.iban !== undefined ? 'iban' : 'aba');
  const need = (field: 'routing' | 'account' | 'iban' | 'bic', why: string) =>
    ctx.addIssue({ code: 'custom', path: [field], message: `${PAYOUT_LABELS[field]} is required ${why}` });
  if (kind === 'iban') {
    if (v.iban === undefined) need('iban', 'for an IBAN account');
    if (v.bic === undefined) need('bic', 'for an IBAN account');
    if (v.iban === undefined || v.bic === undefined) return z.NEVER;
    return { kind: 'iban', holderName: v.holderName, iban: v.iban, bic: v.bic };
  }
  if (v.routing === undefined) need('routing', 'for a US bank account');
  if (v.account === undefined) need('account', 'for a US bank account');
  if (v.routing === undefined || v.account === undefined) return z.NEVER;
  return { kind: 'aba', holderName: v.holderName, routing: v.routing, account: v.account, accountType: v.accountType ?? 'checking' };
}

export const payoutAccountSchema = payoutAccountFields.transform(toPayoutAccount);

/** The client page's form: the fields and the client's id. */
export const payoutAccountFormSchema = payoutAccountFields
  .extend({ clientId: id('Client') })
  .transform((v, ctx) => ({ clientId: v.clientId, account: toPayoutAccount(v, ctx) }));

/** A payout account as screens, API answers, audit events and emails show it: never the whole account number or IBAN. */
export type MaskedPayoutAccount =
  | { kind: 'aba'; holderName: string; routing: string; account: string; accountType: 'checking' | 'savings'; masked: string }
  | { kind: 'iban'; holderName: string; iban: string; bic: string; masked: string };

/**
 * Masked for people ("savings ••••6789 at 011000015", "IBAN DE89 •••• •••• •••• 3000, BIC
 * DEUTDEFF"): lib/validation/bank.ts `maskAccount`. Routing numbers and BICs name the bank and
 * are shown whole.
 */
export function maskPayoutAccount(a: PayoutAccount): MaskedPayoutAccount {
  if (a.kind === 'iban') {
    const masked = maskAccount(a.iban);
    return { kind: 'iban', holderName: a.holderName, iban: masked, bic: a.bic, masked: `IBAN ${masked}, BIC ${a.bic}` };
  }
  // an account number is never printed IBAN-style: only its last four
  const last4 = a.account.length > 4 ? `••••${a.account.slice(-4)}` : '••••';
  return {
    kind: 'aba',
    holderName: a.holderName,
    routing: a.routing,
    account: last4,
    accountType: a.accountType,
    masked: `${a.accountType} ${last4} at ${a.routing}`,
  };
}

/** Whether two accounts are the same account (holder's name aside). */
export function sameAccount(a: PayoutAccount | null, b: PayoutAccount): boolean {
  if (!a) return false;
  if (a.kind === 'iban' && b.kind === 'iban') return a.iban === b.iban && a.bic === b.bic;
  if (a.kind === 'iban' || b.kind === 'iban') return false;
  return a.routing === b.routing && a.account === b.account && a.accountType === b.accountType;
}

export async function getPayoutAccount(tx: Pick<Tx, 'sql'>, clientId: number, actor: Actor): Promise<MaskedPayoutAccount | null> {
  assertClientScope(actor, clientId);
  const [row] = await tx.sql<{ payout_account: PayoutAccount | null }[]>`select payout_account from clients where id = ${clientId}`;
  if (!row) throw notFound('Client', clientId);
  return row.payout_account ? maskPayoutAccount(row.payout_account) : null;
}

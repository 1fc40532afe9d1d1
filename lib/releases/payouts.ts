import type { Tx } from '../../db/client';
import type { AbaPayoutAccount, PayoutAccount } from '../../db/schema';
import { DomainError } from '../errors';
import { loadOriginator } from '../payouts/originator';
import { todayIn } from '../dates';
import { ZERO, moneyOut } from '../money';
import { nachaFile, type NachaOriginator } from './nacha';

/**
 * The NACHA payout file of the rebates paid in a date range (USD releases; ACH carries dollars
 * only). The factor's bank is the ACH originator of Settings → Payout bank (the environment's
 * NACHA_* variables until an admin fills it in: lib/payouts/originator.ts); every client paid
 * must have a US (ABA) payout account — otherwise nothing is produced and the answer names them.
 */
export async function payoutNacha(
  tx: Tx,
  range: { from: string; to: string },
  options: { originator?: NachaOriginator; now?: Date; effectiveDate?: string } = {},
): Promise<{ file: string; count: number; total: string }> {
  const originator = options.originator ?? (await loadOriginator(tx, 'nacha'));
  const rows = await tx.sql<{ id: string; as_of: string; client_id: string; name: string; approved_amount: string; payout_account: PayoutAccount | null }[]>`
    select r.id, r.as_of, r.client_id, c.name, r.approved_amount, c.payout_account
      from releases r join clients c on c.id = r.client_id
     where r.status = 'paid' and r.currency = 'USD' and r.approved_amount > 0
       and r.as_of between ${range.from}::date and ${range.to}::date order by r.as_of, r.id`;
  if (rows.length === 0) throw new DomainError('nothing_to_pay', `No USD rebates were paid from ${range.from} to ${range.to}`, { status: 422 });
  // an IBAN account cannot be paid by ACH: such a client is missing a US (ABA) account here
  const missing = [...new Map(rows.filter((r) => !r.payout_account || r.payout_account.kind === 'iban').map((r) => [r.client_id, r.name])).entries()];
  if (missing.length > 0) {
    throw new DomainError(
      'payout_accounts_missing',
      `Record a US payout bank account (ABA routing number) first for: ${missing.map(([id, name]) => `${name} (client ${id})`).join(', ')}`,
      {
        status: 422,
        details: { clients: missing.map(([id]) => id) },
      },
    );
  }
  const entries = rows.map((r) => {
    const account = r.payout_account as AbaPayoutAccount;
    return {
      routing: account.routing,
      account: account.account,
      accountType: account.accountType,
      amount: moneyOut(r.approved_amount, 'USD'),
      name: account.holderName || r.name,
      id: `REL${r.id}`,
    };
  });
  const file = nachaFile({ originator, effectiveDate: options.effectiveDate ?? todayIn(), createdAt: options.now ?? new Date(), entries });
  const total = moneyOut(
    rows.reduce((t, r) => t.plus(r.approved_amount), ZERO),
    'USD',
  );
  return { file, count: rows.length, total };
}

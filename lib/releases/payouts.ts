import type { Tx } from '../../db/client';
import type { PayoutAccount } from '../../db/schema';
import { DomainError } from '../errors';
import { todayIn } from '../dates';
import { ZERO, moneyOut } from '../money';
import { nachaFile, type NachaOriginator } from './nacha';

/**
 * The NACHA payout file of the rebates paid in a date range (USD releases; ACH carries dollars
 * only). The factor's bank details come from the environment (NACHA_ORIGIN_ROUTING,
 * NACHA_DESTINATION_ROUTING, NACHA_DESTINATION_NAME, NACHA_COMPANY_ID, NACHA_COMPANY_NAME); every
 * client paid must have a payout account — otherwise nothing is produced and the answer names them.
 */
export function nachaOriginatorFromEnv(env: Record<string, string | undefined> = process.env): NachaOriginator {
  const need = ['NACHA_ORIGIN_ROUTING', 'NACHA_COMPANY_ID', 'NACHA_COMPANY_NAME'] as const;
  const missing = need.filter((k) => !env[k]?.trim());
  if (missing.length > 0) {
    throw new DomainError(
      'nacha_not_configured',
      `The NACHA file needs the factor's bank details: set ${missing.join(', ')} in the environment (README → Configuration)`,
      { status: 422, details: { missing } },
    );
  }
  return {
    originRouting: env.NACHA_ORIGIN_ROUTING!.trim(),
    destinationRouting: (env.NACHA_DESTINATION_ROUTING || env.NACHA_ORIGIN_ROUTING)!.trim(),
    destinationName: (env.NACHA_DESTINATION_NAME || 'ODFI').trim(),
    companyId: env.NACHA_COMPANY_ID!.trim(),
    companyName: env.NACHA_COMPANY_NAME!.trim(),
  };
}

export async function payoutNacha(
  tx: Tx,
  range: { from: string; to: string },
  options: { originator?: NachaOriginator; now?: Date; effectiveDate?: string } = {},
): Promise<{ file: string; count: number; total: string }> {
  const originator = options.originator ?? nachaOriginatorFromEnv();
  const rows = await tx.sql<{ id: string; as_of: string; client_id: string; name: string; approved_amount: string; payout_account: PayoutAccount | null }[]>`
    select r.id, r.as_of, r.client_id, c.name, r.approved_amount, c.payout_account
      from releases r join clients c on c.id = r.client_id
     where r.status = 'paid' and r.currency = 'USD' and r.approved_amount > 0
       and r.as_of between ${range.from}::date and ${range.to}::date order by r.as_of, r.id`;
  if (rows.length === 0) throw new DomainError('nothing_to_pay', `No USD rebates were paid from ${range.from} to ${range.to}`, { status: 422 });
  const missing = [...new Map(rows.filter((r) => !r.payout_account).map((r) => [r.client_id, r.name])).entries()];
  if (missing.length > 0) {
    throw new DomainError(
      'payout_accounts_missing',
      `Record a payout bank account first for: ${missing.map(([id, name]) => `${name} (client ${id})`).join(', ')}`,
      {
        status: 422,
        details: { clients: missing.map(([id]) => id) },
      },
    );
  }
  const entries = rows.map((r) => ({
    routing: r.payout_account!.routing,
    account: r.payout_account!.account,
    accountType: r.payout_account!.accountType,
    amount: moneyOut(r.approved_amount, 'USD'),
    name: r.payout_account!.holderName || r.name,
    id: `REL${r.id}`,
  }));
  const file = nachaFile({ originator, effectiveDate: options.effectiveDate ?? todayIn(), createdAt: options.now ?? new Date(), entries });
  const total = moneyOut(
    rows.reduce((t, r) => t.plus(r.approved_amount), ZERO),
    'USD',
  );
  return { file, count: rows.length, total };
}

import { ROLES } from '@/lib/auth/roles';
import { getClient } from '@/lib/clients';
import { apiRoute, pathId } from '@/lib/http/api';
import { clientLedger } from '@/lib/ledger';
import { formatMoney } from '@/lib/money';

export const dynamic = 'force-dynamic';

/**
 * API.md: GET /clients/{id}/ledger?from&to — journal lines of the client's accounts with
 * running balances (per account, as a person reads it: a held reserve is positive).
 */
export const GET = apiRoute<{ id: string }>(ROLES, async ({ tx, actor, params, url }) => {
  const clientId = pathId(params.id, 'Client');
  await getClient(tx, clientId, actor); // 404 for unknown ids and for other clients' ids
  const ledger = await clientLedger(tx, clientId, { from: url.searchParams.get('from'), to: url.searchParams.get('to') });
  return {
    status: 200,
    body: {
      clientId: String(clientId),
      from: ledger.from,
      to: ledger.to,
      openingBalances: ledger.openings.map((o) => ({ account: o.account, currency: o.currency, balance: formatMoney(o.balance, o.currency) })),
      lines: ledger.lines.map((l) => ({
        id: String(l.lineId),
        entryId: String(l.entryId),
        date: l.effectiveDate,
        kind: l.kind,
        memo: l.memo,
        account: l.account,
        currency: l.currency,
        invoiceId: l.invoiceId === null ? null : String(l.invoiceId),
        invoiceNumber: l.invoiceNumber,
        debit: l.amount.gt(0) ? formatMoney(l.amount, l.currency) : '0.00',
        credit: l.amount.lt(0) ? formatMoney(l.amount.abs(), l.currency) : '0.00',
        amount: formatMoney(l.amount, l.currency),
        runningBalance: formatMoney(l.runningBalance, l.currency),
        reversesEntryId: l.reversesEntryId === null ? null : String(l.reversesEntryId),
      })),
    },
  };
});

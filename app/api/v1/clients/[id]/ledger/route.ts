import { getClient } from '@/lib/clients';
import { apiRoute, pathId } from '@/lib/http/api';
import { clientLedger } from '@/lib/ledger';
import { formatMoney } from '@/lib/money';
import { parseLimit } from '@/lib/pagination';

export const dynamic = 'force-dynamic';

/**
 * API.md: GET /clients/{id}/ledger?from&to — journal lines of the client's accounts with
 * running balances (per account, as a person reads it: a held reserve is positive), oldest first,
 * paginated (`?limit=` default 50, max 500, `?cursor=`): `{"items","nextCursor","total"}` with
 * `lines` (the same page) and the opening balances at `from`. `from` after `to` is a 400.
 */
export const GET = apiRoute('portfolio.read', async ({ tx, actor, params, url }) => {
  const clientId = pathId(params.id, 'Client');
  await getClient(tx, clientId, actor); // 404 for unknown ids and for other clients' ids
  const ledger = await clientLedger(tx, clientId, {
    from: url.searchParams.get('from'),
    to: url.searchParams.get('to'),
    limit: parseLimit(url),
    cursor: url.searchParams.get('cursor'),
  });
  const lines = ledger.lines.map((l) => ({
    id: String(l.lineId),
    entryId: String(l.entryId),
    date: l.effectiveDate,
    kind: l.kind,
    memo: l.memo,
    account: l.account,
    currency: l.currency,
    invoiceId: l.invoiceId === null ? null : String(l.invoiceId),
    invoiceNumber: l.invoiceNumber,
    debit: l.amount.gt(0) ? formatMoney(l.amount, l.currency) : formatMoney(l.amount.times(0), l.currency),
    credit: l.amount.lt(0) ? formatMoney(l.amount.abs(), l.currency) : formatMoney(l.amount.times(0), l.currency),
    amount: formatMoney(l.amount, l.currency),
    runningBalance: formatMoney(l.runningBalance, l.currency),
    reversesEntryId: l.reversesEntryId === null ? null : String(l.reversesEntryId),
  }));
  return {
    status: 200,
    body: {
      clientId: String(clientId),
      from: ledger.from,
      to: ledger.to,
      openingBalances: ledger.openings.map((o) => ({ account: o.account, currency: o.currency, balance: formatMoney(o.balance, o.currency) })),
      items: lines,
      nextCursor: ledger.nextCursor,
      total: ledger.total,
      lines,
    },
  };
});

import type { Tx } from '../../db/client';
import { Big, formatMoney } from '../money';
import type { StatementView } from './index';

/**
 * A stored statement is a snapshot: it never changes. If something was posted later with an
 * effective date inside its period (a backdated correction), the ledger's reserve at the period's
 * end no longer equals the statement's closing balance. This finds those statements, in one
 * query for a client's list, so staff see which ones to reissue for a corrected period.
 */
export interface StatementDrift {
  currency: string;
  statement: string;
  ledger: string;
}

export async function statementDrift(tx: Tx, clientId: number, statements: StatementView[]): Promise<Map<string, StatementDrift[]>> {
  const out = new Map<string, StatementDrift[]>();
  if (statements.length === 0) return out;
  // The reserve at each period's end, counted back from the kept balance over the lines dated after
  // the earliest of these periods (one index range per account, grouped by day): what this costs
  // depends on how far back the statements shown go, not on the client's whole history.
  const earliest = statements.reduce((min, s) => (s.to < min ? s.to : min), statements[0]!.to);
  const rows = await tx.sql<{ id: string; currency: string; held: string }[]>`
    with acct as (select id, currency, balance from ledger_accounts where client_id = ${clientId} and code = 'reserve'),
    tail as materialized (
      select l.account_id, l.effective_date, sum(l.amount) as amount
        from acct a join journal_lines l on l.account_id = a.id and l.effective_date > ${earliest}::date
       group by l.account_id, l.effective_date)
    select s.id::text as id, a.currency,
           -(a.balance - coalesce((select sum(t.amount) from tail t where t.account_id = a.id and t.effective_date > s.d), 0)) as held
      from unnest(${statements.map((s) => Number(s.id))}::bigint[], ${statements.map((s) => s.to)}::date[]) as s(id, d)
      cross join acct a`;
  const ledger = new Map(rows.map((r) => [`${r.id}|${r.currency}`, new Big(r.held)]));
  for (const s of statements) {
    const currencies = new Set([...s.currencies.map((c) => c.currency), ...rows.filter((r) => r.id === s.id).map((r) => r.currency)]);
    const drifts: StatementDrift[] = [];
    for (const currency of currencies) {
      const stored = new Big(s.currencies.find((c) => c.currency === currency)?.closing ?? '0');
      const now = ledger.get(`${s.id}|${currency}`) ?? new Big(0);
      if (!stored.eq(now)) drifts.push({ currency, statement: formatMoney(stored, currency), ledger: formatMoney(now, currency) });
    }
    if (drifts.length > 0) out.set(s.id, drifts);
  }
  return out;
}

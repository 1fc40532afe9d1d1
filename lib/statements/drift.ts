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
  const rows = await tx.sql<{ id: string; currency: string; held: string }[]>`
    select s.id::text as id, a.currency, coalesce(-sum(l.amount), 0) as held
      from unnest(${statements.map((s) => Number(s.id))}::bigint[], ${statements.map((s) => s.to)}::date[]) as s(id, d)
      cross join ledger_accounts a
      left join journal_lines l on l.account_id = a.id and l.effective_date <= s.d
     where a.client_id = ${clientId} and a.code = 'reserve'
     group by s.id, a.currency`;
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

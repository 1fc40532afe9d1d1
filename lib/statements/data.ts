import type { Tx } from '../../db/client';
import { loadClientFees } from '../fees/client-fees';
import { Big, ZERO } from '../money';
import type { CurrencyInput, FeeFigures, ReleaseInput, ReserveLineInput } from './model';
import type { StatementPeriod } from './period';

/**
 * What statements are built from, for many clients at once, in a fixed number of set-based
 * queries (STYLE: one query for all clients of a chunk, not one per client).
 */
export interface ClientStatementData {
  clientId: number;
  name: string;
  homeCurrency: string;
  contacts: { name: string; email: string; notifyStatements?: boolean }[];
  currencies: CurrencyInput[];
}

const emptyFees = (): FeeFigures => ({ atFunding: ZERO, accrued: ZERO, otherCharged: ZERO, settled: ZERO, outstanding: ZERO, accruedOnOpen: ZERO, due: ZERO });

export async function loadStatementData(tx: Tx, clientIds: number[], period: StatementPeriod): Promise<Map<number, ClientStatementData>> {
  const out = new Map<number, ClientStatementData>();
  if (clientIds.length === 0) return out;
  const { from, to } = period;
  const clients = await tx.sql<{ id: string; name: string; currency: string; contacts: ClientStatementData['contacts'] }[]>`
    select id, name, currency, contacts from clients where id = any(${clientIds}::bigint[])`;
  // Opening (lines before the period) and the ledger's closing (lines through its end) of each
  // reserve account: the closing is balancesAsOf's figure, summed the same way, for the tie-out.
  const reserves = await tx.sql<{ client_id: string; currency: string; opening: string; closing: string }[]>`
    select a.client_id, a.currency,
           coalesce(sum(l.amount) filter (where l.effective_date < ${from}::date), 0) as opening,
           coalesce(sum(l.amount), 0) as closing
      from ledger_accounts a
      left join journal_lines l on l.account_id = a.id and l.effective_date <= ${to}::date
     where a.code = 'reserve' and a.client_id = any(${clientIds}::bigint[])
     group by a.client_id, a.currency`;
  const lines = await tx.sql<
    {
      client_id: string;
      currency: string;
      id: string;
      entry_id: string;
      effective_date: string;
      amount: string;
      number: string | null;
      tranche_id: string | null;
      kind: string;
      memo: string;
      release_id: string | null;
    }[]
  >`
    select a.client_id, l.currency, l.id, l.entry_id, l.effective_date, l.amount, i.number, l.tranche_id, e.kind, e.memo, e.release_id
      from ledger_accounts a
      join journal_lines l on l.account_id = a.id and l.effective_date between ${from}::date and ${to}::date
      join journal_entries e on e.id = l.entry_id
      left join invoices i on i.id = l.invoice_id
     where a.code = 'reserve' and a.client_id = any(${clientIds}::bigint[])
     order by a.client_id, l.currency, l.effective_date, l.entry_id, l.id`;
  // Fees: accrual lines are flagged; other debits are fees charged at settlement (frozen fee,
  // minimum top-up), credits are fees settled. Outstanding at the end of the period is today's
  // balance less what was posted for later dates (only the lines after the period are read).
  const fees = await tx.sql<{ client_id: string; currency: string; accrued: string; other: string; settled: string; outstanding: string }[]>`
    select a.client_id, a.currency,
           coalesce(sum(l.amount) filter (where l.effective_date <= ${to}::date and l.accrual), 0) as accrued,
           coalesce(sum(l.amount) filter (where l.effective_date <= ${to}::date and not l.accrual and l.amount > 0), 0) as other,
           coalesce(-sum(l.amount) filter (where l.effective_date <= ${to}::date and not l.accrual and l.amount < 0), 0) as settled,
           a.balance - coalesce(sum(l.amount) filter (where l.effective_date > ${to}::date), 0) as outstanding
      from ledger_accounts a
      left join journal_lines l on l.account_id = a.id and l.effective_date >= ${from}::date
     where a.code = 'fees_receivable' and a.client_id = any(${clientIds}::bigint[])
     group by a.client_id, a.currency, a.balance`;
  // What is outstanding at the end of the period, split as the portal and the reserve report split it.
  const split = await loadClientFees(tx, clientIds, to, 'as_of');
  const atFunding = await tx.sql<{ client_id: string; currency: string; fees: string }[]>`
    select client_id, currency, sum(total_fees) as fees from funding_batches
     where client_id = any(${clientIds}::bigint[]) and status = 'funded' and funding_date between ${from}::date and ${to}::date
     group by client_id, currency having sum(total_fees) <> 0`;
  const releases = await tx.sql<{ id: string; client_id: string; currency: string; as_of: string; approved_amount: string }[]>`
    select id, client_id, currency, as_of, approved_amount from releases
     where client_id = any(${clientIds}::bigint[]) and status in ('approved', 'in_batch', 'sent', 'paid', 'returned') and kind = 'reserve' and as_of between ${from}::date and ${to}::date
     order by as_of, id`;

  for (const c of clients) {
    out.set(Number(c.id), { clientId: Number(c.id), name: c.name, homeCurrency: c.currency, contacts: c.contacts ?? [], currencies: [] });
  }
  const sections = new Map<string, CurrencyInput>();
  const section = (clientId: string, currency: string): CurrencyInput | null => {
    const key = `${clientId}|${currency}`;
    let s = sections.get(key);
    if (!s) {
      const client = out.get(Number(clientId));
      if (!client) return null;
      s = { currency, opening: ZERO, ledgerClosing: ZERO, lines: [], fees: emptyFees(), releases: [] };
      sections.set(key, s);
      client.currencies.push(s);
    }
    return s;
  };
  // The reserve is a liability: held = the negated sum of its lines.
  for (const r of reserves) {
    const s = section(r.client_id, r.currency);
    if (!s) continue;
    s.opening = new Big(r.opening).times(-1);
    s.ledgerClosing = new Big(r.closing).times(-1);
  }
  for (const l of lines) {
    const line: ReserveLineInput = {
      date: l.effective_date,
      entryId: Number(l.entry_id),
      lineId: Number(l.id),
      kind: l.kind,
      memo: l.memo,
      invoiceNumber: l.number,
      trancheId: l.tranche_id === null ? null : Number(l.tranche_id),
      releaseId: l.release_id === null ? null : Number(l.release_id),
      ledgerAmount: new Big(l.amount),
    };
    section(l.client_id, l.currency)?.lines.push(line);
  }
  for (const f of fees) {
    const active = !new Big(f.accrued).eq(0) || !new Big(f.other).eq(0) || !new Big(f.settled).eq(0) || !new Big(f.outstanding).eq(0);
    const existing = sections.get(`${f.client_id}|${f.currency}`);
    if (!existing && !active) continue;
    const s = existing ?? section(f.client_id, f.currency);
    if (!s) continue;
    const figures = split.get(`${f.client_id}|${f.currency}`)?.asOf;
    s.fees = {
      ...s.fees,
      accrued: new Big(f.accrued),
      otherCharged: new Big(f.other),
      settled: new Big(f.settled),
      outstanding: new Big(f.outstanding),
      accruedOnOpen: figures?.accruedOnOpen ?? ZERO,
      due: figures?.due ?? ZERO,
    };
  }
  for (const f of atFunding) {
    const s = section(f.client_id, f.currency);
    if (s) s.fees = { ...s.fees, atFunding: new Big(f.fees) };
  }
  for (const r of releases) {
    const release: ReleaseInput = { id: r.id, date: r.as_of, paid: new Big(r.approved_amount) };
    section(r.client_id, r.currency)?.releases.push(release);
  }
  // A client with nothing at all still gets a statement in its home currency (all zero).
  for (const client of out.values()) {
    if (client.currencies.length === 0) section(String(client.clientId), client.homeCurrency);
    client.currencies.sort((a, b) => a.currency.localeCompare(b.currency));
  }
  return out;
}

/**
 * The clients a monthly run covers: every client with a reserve account that held something
 * at the start of the period or moved in it (a client long closed with nothing held gets none).
 */
export async function clientsWithReserveActivity(tx: Tx, period: StatementPeriod): Promise<number[]> {
  const rows = await tx.sql<{ client_id: string }[]>`
    select distinct a.client_id from ledger_accounts a
     where a.code = 'reserve' and a.client_id is not null
       and (exists (select 1 from journal_lines l where l.account_id = a.id and l.effective_date between ${period.from}::date and ${period.to}::date)
            or a.balance - coalesce((select sum(l.amount) from journal_lines l where l.account_id = a.id and l.effective_date >= ${period.from}::date), 0) <> 0)
     order by a.client_id`;
  return rows.map((r) => Number(r.client_id));
}

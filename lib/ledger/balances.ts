import type { Tx } from '../../db/client';
import { parseBusinessDate } from '../dates';
import { Big } from '../money';
import { naturalBalance, type AccountCode } from './accounts';

export interface AccountBalance {
  accountId: number;
  account: AccountCode;
  currency: string;
  clientId: number | null;
  /** sum of lines, debits positive */
  signed: Big;
  /** as a person reads it: a held reserve or earned income is positive */
  balance: Big;
}

/**
 * Balances as of the end of a business date: the sum of lines effective on or before it.
 * Any past date gives the figure as it was then, whatever was posted later for later dates.
 */
export async function balancesAsOf(
  tx: Tx,
  filter: { asOf: string; clientId?: number; currency?: string; accounts?: AccountCode[] },
): Promise<AccountBalance[]> {
  const asOf = parseBusinessDate(filter.asOf, 'asOf');
  const rows = await tx.sql<{ id: string; code: AccountCode; currency: string; client_id: string | null; total: string }[]>`
    select a.id, a.code, a.currency, a.client_id,
           coalesce((select sum(l.amount) from journal_lines l where l.account_id = a.id and l.effective_date <= ${asOf}), 0) as total
      from ledger_accounts a
     where (${filter.clientId ?? null}::bigint is null or a.client_id = ${filter.clientId ?? null})
       and (${filter.currency ?? null}::text is null or a.currency = ${filter.currency ?? null})
       and (${filter.accounts ?? null}::text[] is null or a.code = any(${filter.accounts ?? null}::text[]))
     order by a.currency, a.code, a.client_id nulls first`;
  return rows.map((r) => {
    const signed = new Big(r.total);
    return {
      accountId: Number(r.id),
      account: r.code,
      currency: r.currency,
      clientId: r.client_id === null ? null : Number(r.client_id),
      signed,
      balance: naturalBalance(r.code, signed),
    };
  });
}

/** Current balances (every line, whatever its date) straight from the account rows. */
export async function currentBalances(tx: Tx, filter: { clientId?: number; accounts?: AccountCode[] } = {}): Promise<AccountBalance[]> {
  const rows = await tx.sql<{ id: string; code: AccountCode; currency: string; client_id: string | null; balance: string }[]>`
    select id, code, currency, client_id, balance from ledger_accounts
     where (${filter.clientId ?? null}::bigint is null or client_id = ${filter.clientId ?? null})
       and (${filter.accounts ?? null}::text[] is null or code = any(${filter.accounts ?? null}::text[]))
     order by currency, code, client_id nulls first`;
  return rows.map((r) => {
    const signed = new Big(r.balance);
    return {
      accountId: Number(r.id),
      account: r.code,
      currency: r.currency,
      clientId: r.client_id === null ? null : Number(r.client_id),
      signed,
      balance: naturalBalance(r.code, signed),
    };
  });
}

export interface LedgerLine {
  lineId: number;
  entryId: number;
  effectiveDate: string;
  kind: string;
  memo: string;
  account: AccountCode;
  currency: string;
  invoiceId: number | null;
  invoiceNumber: string | null;
  /** debit positive, credit negative */
  amount: Big;
  /** the account's balance after this line, as a person reads it */
  runningBalance: Big;
  reversesEntryId: number | null;
}

export interface ClientLedger {
  clientId: number;
  from: string | null;
  to: string | null;
  openings: { account: AccountCode; currency: string; balance: Big }[];
  lines: LedgerLine[];
}

/**
 * A client's ledger: every line on the client's accounts between two business dates, each
 * with the running balance of its account (opening balance carried in from before `from`).
 */
export async function clientLedger(
  tx: Tx,
  clientId: number,
  range: { from?: string | null; to?: string | null; accounts?: AccountCode[]; limit?: number } = {},
): Promise<ClientLedger> {
  const from = range.from ? parseBusinessDate(range.from, 'from') : null;
  const to = range.to ? parseBusinessDate(range.to, 'to') : null;
  const accounts = range.accounts ?? null;
  const openingRows = await tx.sql<{ code: AccountCode; currency: string; total: string }[]>`
    select a.code, a.currency, coalesce(sum(l.amount), 0) as total
      from ledger_accounts a
      left join journal_lines l on l.account_id = a.id and ${from}::date is not null and l.effective_date < ${from}::date
     where a.client_id = ${clientId}
       and (${accounts}::text[] is null or a.code = any(${accounts}::text[]))
     group by a.code, a.currency order by a.currency, a.code`;
  const rows = await tx.sql<
    {
      id: string;
      entry_id: string;
      effective_date: string;
      kind: string;
      memo: string;
      code: AccountCode;
      currency: string;
      invoice_id: string | null;
      number: string | null;
      amount: string;
      running: string;
      reverses_entry_id: string | null;
    }[]
  >`
    select * from (
      select l.id, l.entry_id, l.effective_date, e.kind, e.memo, a.code, l.currency, l.invoice_id, i.number, l.amount,
             e.reverses_entry_id,
             sum(l.amount) over (partition by l.account_id order by l.effective_date, l.entry_id, l.id) as running
        from journal_lines l
        join ledger_accounts a on a.id = l.account_id
        join journal_entries e on e.id = l.entry_id
        left join invoices i on i.id = l.invoice_id
       where a.client_id = ${clientId}
         and (${accounts}::text[] is null or a.code = any(${accounts}::text[]))
         and (${to}::date is null or l.effective_date <= ${to}::date)
    ) t
    where ${from}::date is null or t.effective_date >= ${from}::date
    order by t.effective_date, t.entry_id, t.id
    limit ${range.limit ?? 10_000}`;
  return {
    clientId,
    from,
    to,
    openings: openingRows.map((r) => ({ account: r.code, currency: r.currency, balance: naturalBalance(r.code, new Big(r.total)) })),
    lines: rows.map((r) => ({
      lineId: Number(r.id),
      entryId: Number(r.entry_id),
      effectiveDate: r.effective_date,
      kind: r.kind,
      memo: r.memo,
      account: r.code,
      currency: r.currency,
      invoiceId: r.invoice_id === null ? null : Number(r.invoice_id),
      invoiceNumber: r.number,
      amount: new Big(r.amount),
      runningBalance: naturalBalance(r.code, new Big(r.running)),
      reversesEntryId: r.reverses_entry_id === null ? null : Number(r.reverses_entry_id),
    })),
  };
}

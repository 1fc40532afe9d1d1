import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Tx } from '../../db/client';
import { parseBusinessDate } from '../dates';
import { DomainError } from '../errors';
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

/** An account's balance from its row and the sum of its lines (debits positive). */
function accountBalance(r: { id: string; code: AccountCode; currency: string; client_id: string | null }, sum: string): AccountBalance {
  const signed = new Big(sum);
  return {
    accountId: Number(r.id),
    account: r.code,
    currency: r.currency,
    clientId: r.client_id === null ? null : Number(r.client_id),
    signed,
    balance: naturalBalance(r.code, signed),
  };
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
  return rows.map((r) => accountBalance(r, r.total));
}

/** Current balances (every line, whatever its date) straight from the account rows. */
export async function currentBalances(tx: Tx, filter: { clientId?: number; accounts?: AccountCode[] } = {}): Promise<AccountBalance[]> {
  const rows = await tx.sql<{ id: string; code: AccountCode; currency: string; client_id: string | null; balance: string }[]>`
    select id, code, currency, client_id, balance from ledger_accounts
     where true
       ${filter.clientId !== undefined ? tx.sql`and client_id = ${filter.clientId}` : tx.sql``}
       ${filter.accounts !== undefined ? tx.sql`and code = any(${filter.accounts}::text[])` : tx.sql``}
     order by currency, code, client_id nulls first`;
  return rows.map((r) => accountBalance(r, r.balance));
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
  /** one page of lines, oldest first */
  lines: LedgerLine[];
  /** the next page's opaque cursor; null on the last page */
  nextCursor: string | null;
  /** lines in the range (counted when the first page is read, carried by the cursor) */
  total: number;
}

/** API.md pagination: default 50, at most 500 per page. */
export const LEDGER_PAGE_DEFAULT = 50;
export const LEDGER_PAGE_MAX = 500;

/**
 * Where the next page starts: the last line given (date, entry, line id — the order of the
 * ledger) and every account's running and opening balance there, so a page never re-sums the
 * years of lines before it. Signed, so a cursor cannot be edited into other figures, and bound to
 * the client and range it was given for.
 */
interface LedgerCursor {
  v: 1;
  c: number;
  f: string | null;
  t: string | null;
  a: string[] | null;
  d: string;
  e: number;
  i: number;
  /** running balance (signed) after the last line given, per account id */
  b: Record<string, string>;
  /** opening balance (signed) at `from`, per account id */
  o: Record<string, string>;
  n: number;
}

const FALLBACK_CURSOR_SECRET = randomBytes(32).toString('hex');

function cursorKey(): Buffer {
  // AUTH_SECRET is the deployment's secret (npm start writes one); a process without it signs with its own.
  return createHash('sha256')
    .update('holdback ledger cursor\u0000')
    .update(process.env.AUTH_SECRET || FALLBACK_CURSOR_SECRET)
    .digest();
}

function signature(payload: string): string {
  return createHmac('sha256', cursorKey()).update(payload).digest('base64url').slice(0, 32);
}

function encodeCursor(cursor: LedgerCursor): string {
  const payload = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  return `${payload}.${signature(payload)}`;
}

const badCursor = () =>
  new DomainError('invalid_input', 'cursor is not one this API gave out for this ledger', { status: 400, details: { cursor: 'unknown cursor' } });

function decodeCursor(text: string, expect: { clientId: number; from: string | null; to: string | null; accounts: string[] | null }): LedgerCursor {
  const [payload, sig, extra] = text.split('.');
  if (!payload || !sig || extra !== undefined || text.length > 20_000) throw badCursor();
  const expected = Buffer.from(signature(payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw badCursor();
  let cursor: LedgerCursor;
  try {
    cursor = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LedgerCursor;
  } catch {
    throw badCursor();
  }
  const sameAccounts = JSON.stringify(cursor.a ?? null) === JSON.stringify(expect.accounts);
  if (cursor.v !== 1 || cursor.c !== expect.clientId || cursor.f !== expect.from || cursor.t !== expect.to || !sameAccounts) {
    throw new DomainError('invalid_input', 'cursor belongs to another client or date range; ask again without it', {
      status: 400,
      details: { cursor: 'for another client or range' },
    });
  }
  return cursor;
}

type PageRow = {
  id: string;
  entry_id: string;
  effective_date: string;
  account_id: string;
  amount: string;
  invoice_id: string | null;
  kind: string;
  memo: string;
  reverses_entry_id: string | null;
  number: string | null;
};

/**
 * A client's ledger, a page at a time: the lines on the client's accounts between two business
 * dates in ledger order (date, entry, line), each with its account's running balance (the opening
 * balance at `from` carried in). Keyset-paginated and built for a client with years of daily
 * accrual lines: each account is read from the (account, date) index starting at the cursor and
 * stopping after one page, and the balances the page starts from travel in the cursor; only the
 * first page sums history (the openings, from whichever end of the account is nearer) and counts.
 */
export async function clientLedger(
  tx: Tx,
  clientId: number,
  range: { from?: string | null; to?: string | null; accounts?: AccountCode[]; limit?: number; cursor?: string | null } = {},
): Promise<ClientLedger> {
  const from = range.from ? parseBusinessDate(range.from, 'from') : null;
  const to = range.to ? parseBusinessDate(range.to, 'to') : null;
  if (from !== null && to !== null && from > to) {
    throw new DomainError('invalid_input', `from (${from}) is after to (${to})`, { status: 400, details: { to: 'must not be before from' } });
  }
  const limit = range.limit ?? LEDGER_PAGE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000)
    throw new DomainError('invalid_input', 'limit must be a whole number from 1 to 500', { status: 400, details: { limit: 'from 1 to 500' } });
  const accountsFilter = range.accounts ? [...range.accounts].sort() : null;
  const cursor = range.cursor ? decodeCursor(range.cursor, { clientId, from, to, accounts: accountsFilter }) : null;

  const accounts = await tx.sql<{ id: string; code: AccountCode; currency: string; opening: string | null; total: number | null }[]>`
    select a.id, a.code, a.currency,
           ${cursor ? tx.sql`null::numeric` : from === null ? tx.sql`0::numeric` : openingSql(tx, from)} as opening,
           ${cursor ? tx.sql`null::int` : countSql(tx, from, to)} as total
      from ledger_accounts a
     where a.client_id = ${clientId}
       and (${accountsFilter}::text[] is null or a.code = any(${accountsFilter}::text[]))
     order by a.currency, a.code`;
  const ids = accounts.map((a) => a.id);
  const openingOf = new Map<string, Big>(accounts.map((a) => [a.id, new Big(cursor ? (cursor.o[a.id] ?? '0') : (a.opening ?? '0'))]));
  const running = new Map<string, Big>(accounts.map((a) => [a.id, cursor ? new Big(cursor.b[a.id] ?? openingOf.get(a.id)!) : openingOf.get(a.id)!]));
  const total = cursor ? cursor.n : accounts.reduce((n, a) => n + (a.total ?? 0), 0);

  const after = cursor
    ? tx.sql`and l.effective_date >= ${cursor.d}::date and (l.effective_date, l.entry_id, l.id) > (${cursor.d}::date, ${cursor.e}::bigint, ${cursor.i}::bigint)`
    : from !== null
      ? tx.sql`and l.effective_date >= ${from}::date`
      : tx.sql``;
  const until = to !== null ? tx.sql`and l.effective_date <= ${to}::date` : tx.sql``;
  const rows =
    ids.length === 0
      ? []
      : await tx.sql<PageRow[]>`
    with page as (
      select p.* from unnest(${ids}::bigint[]) as a(id)
      cross join lateral (
        select l.id, l.entry_id, l.effective_date, l.account_id, l.amount, l.invoice_id
          from journal_lines l
         where l.account_id = a.id ${after} ${until}
         order by l.effective_date, l.entry_id, l.id
         limit ${limit + 1}
      ) p
      order by p.effective_date, p.entry_id, p.id
      limit ${limit + 1}
    )
    select page.id, page.entry_id, page.effective_date, page.account_id, page.amount, page.invoice_id,
           e.kind, e.memo, e.reverses_entry_id, i.number
      from page
      join journal_entries e on e.id = page.entry_id
      left join invoices i on i.id = page.invoice_id
     order by page.effective_date, page.entry_id, page.id`;

  const byId = new Map(accounts.map((a) => [a.id, a]));
  const shown = rows.slice(0, limit);
  const lines: LedgerLine[] = shown.map((r) => {
    const account = byId.get(r.account_id)!;
    const amount = new Big(r.amount);
    const balance = running.get(r.account_id)!.plus(amount);
    running.set(r.account_id, balance);
    return {
      lineId: Number(r.id),
      entryId: Number(r.entry_id),
      effectiveDate: r.effective_date,
      kind: r.kind,
      memo: r.memo,
      account: account.code,
      currency: account.currency,
      invoiceId: r.invoice_id === null ? null : Number(r.invoice_id),
      invoiceNumber: r.number,
      amount,
      runningBalance: naturalBalance(account.code, balance),
      reversesEntryId: r.reverses_entry_id === null ? null : Number(r.reverses_entry_id),
    };
  });
  const last = shown[shown.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({
          v: 1,
          c: clientId,
          f: from,
          t: to,
          a: accountsFilter,
          d: last.effective_date,
          e: Number(last.entry_id),
          i: Number(last.id),
          b: Object.fromEntries([...running].map(([id, b]) => [id, b.toString()])),
          o: Object.fromEntries([...openingOf].map(([id, b]) => [id, b.toString()])),
          n: total,
        })
      : null;
  // Openings per account code and currency, as a person reads them (a client has one account of each).
  const openings = accounts.map((a) => ({ account: a.code, currency: a.currency, balance: naturalBalance(a.code, openingOf.get(a.id)!) }));
  return { clientId, from, to, openings, lines, nextCursor, total };
}

/**
 * An account's balance at the start of `from`: the sum of its lines before that date, or — when
 * `from` lies in the newer half of the account's life — its balance less the lines from `from` on
 * (ledger_accounts.balance is the sum of every line, kept under the row lock; audit:verify proves it).
 * Either way the index (account, date) is read over the shorter side only.
 */
function openingSql(tx: Tx, from: string) {
  return tx.sql`(
    select case
             when m.lo is null or ${from}::date <= m.lo then 0::numeric
             when ${from}::date <= m.lo + (m.hi - m.lo) / 2
               then coalesce((select sum(l.amount) from journal_lines l where l.account_id = a.id and l.effective_date < ${from}::date), 0)
             else a.balance - coalesce((select sum(l.amount) from journal_lines l where l.account_id = a.id and l.effective_date >= ${from}::date), 0)
           end
      from (select (select min(effective_date) from journal_lines where account_id = a.id) as lo,
                   (select max(effective_date) from journal_lines where account_id = a.id) as hi) m)`;
}

function countSql(tx: Tx, from: string | null, to: string | null) {
  return tx.sql`(
    select count(*)::int from journal_lines l
     where l.account_id = a.id
       ${from !== null ? tx.sql`and l.effective_date >= ${from}::date` : tx.sql``}
       ${to !== null ? tx.sql`and l.effective_date <= ${to}::date` : tx.sql``})`;
}

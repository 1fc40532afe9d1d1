import type { Tx } from '../../db/client';
import { copyRows } from '../../db/copy';
import type { Actor } from '../auth/actor';
import { parseBusinessDate } from '../dates';
import { DomainError, conflict, notFound, refused } from '../errors';
import { Big, assertCurrencyCode, formatMoney, isRounded } from '../money';
import { CHART_OF_ACCOUNTS, isAccountCode, type AccountCode } from './accounts';

/**
 * lib/ledger is the only writer of journal rows (STYLE). An entry's lines sum to zero per
 * currency (SPEC 3), its idempotency key posts it once, and balances are kept under row locks
 * taken in account-id order so concurrent posters neither lose an update nor deadlock each other.
 */

export interface LineInput {
  account: AccountCode;
  currency: string;
  /** required for client accounts (reserve, receivable, …), absent for the others */
  clientId?: number | null;
  /** debit positive, credit negative; already rounded to the currency's minor unit */
  amount: Big;
  invoiceId?: number | null;
  trancheId?: number | null;
}

export interface EntryInput {
  effectiveDate: string;
  kind: string;
  idempotencyKey: string;
  clientId?: number | null;
  invoiceId?: number | null;
  paymentId?: number | null;
  releaseId?: number | null;
  reversesEntryId?: number | null;
  memo?: string;
  lines: LineInput[];
}

export interface PostedEntry {
  id: number;
  idempotencyKey: string;
  /** true when the key had been posted before: nothing was posted this time */
  duplicate: boolean;
}

export const debit = (account: AccountCode, amount: Big, extra: Omit<LineInput, 'account' | 'amount'>): LineInput => ({
  account,
  amount,
  ...extra,
});
export const credit = (account: AccountCode, amount: Big, extra: Omit<LineInput, 'account' | 'amount'>): LineInput => ({
  account,
  amount: amount.times(-1),
  ...extra,
});

function accountKey(code: string, currency: string, clientId: number | null): string {
  return `${code}|${currency}|${clientId ?? ''}`;
}

/** Pure validation of one entry; throws a DomainError naming the first problem. */
export function validateEntry(entry: EntryInput): void {
  parseBusinessDate(entry.effectiveDate, 'effectiveDate');
  if (!entry.idempotencyKey || entry.idempotencyKey.length > 200) {
    throw refused('invalid_idempotency_key', 'A journal entry needs an idempotency key of 1–200 characters');
  }
  if (!entry.kind) throw refused('invalid_entry', 'A journal entry needs a kind');
  if (entry.lines.length < 2) {
    throw refused('invalid_entry', `Journal entry ${entry.idempotencyKey} needs at least two lines`);
  }
  const totals = new Map<string, Big>();
  entry.lines.forEach((line, i) => {
    const where = `line ${i + 1} of ${entry.idempotencyKey}`;
    if (!isAccountCode(line.account)) throw refused('unknown_account', `${where}: no account "${String(line.account)}"`);
    assertCurrencyCode(line.currency); // books entered before ISO codes were checked still post; new money enters through assertCurrency
    const perClient = CHART_OF_ACCOUNTS[line.account].perClient;
    if (perClient && (line.clientId === null || line.clientId === undefined)) {
      throw refused('invalid_entry', `${where}: the ${line.account} account belongs to a client; give clientId`);
    }
    if (!perClient && line.clientId !== null && line.clientId !== undefined) {
      throw refused('invalid_entry', `${where}: the ${line.account} account is not a client account`);
    }
    if (line.amount.eq(0)) throw refused('invalid_entry', `${where}: amount is zero`);
    if (!isRounded(line.amount, line.currency)) {
      throw refused('unrounded_amount', `${where}: ${line.amount.toString()} has more decimals than ${line.currency} allows`);
    }
    totals.set(line.currency, (totals.get(line.currency) ?? new Big(0)).plus(line.amount));
  });
  for (const [currency, total] of totals) {
    if (!total.eq(0)) {
      throw new DomainError(
        'unbalanced_entry',
        `Journal entry ${entry.idempotencyKey} does not balance in ${currency}: lines sum to ${formatMoney(total, currency)}`,
        {
          status: 422,
          details: { currency, total: formatMoney(total, currency) },
        },
      );
    }
  }
}

/** Finds or creates the accounts for these keys in one round trip each way. */
async function resolveAccounts(tx: Tx, lines: LineInput[]): Promise<Map<string, number>> {
  const wanted = new Map<string, { code: string; currency: string; clientId: number | null }>();
  for (const line of lines) {
    const clientId = line.clientId ?? null;
    wanted.set(accountKey(line.account, line.currency, clientId), { code: line.account, currency: line.currency, clientId });
  }
  const keys = [...wanted.values()];
  const codes = keys.map((k) => k.code);
  const currencies = keys.map((k) => k.currency);
  const clientIds = keys.map((k) => k.clientId);
  await tx.sql`
    insert into ledger_accounts (code, currency, client_id)
    select * from unnest(${codes}::text[], ${currencies}::text[], ${clientIds as never}::bigint[])
    on conflict do nothing`;
  // Client accounts and the others apart: equality on every key column lets Postgres use the
  // unique index (or hash) for thousands of keys, where "is not distinct from" compared each key
  // with every account of its code and currency.
  const rows = await tx.sql<{ id: string; code: string; currency: string; client_id: string | null }[]>`
    with k(code, currency, client_id) as (select * from unnest(${codes}::text[], ${currencies}::text[], ${clientIds as never}::bigint[]))
    select a.id, a.code, a.currency, a.client_id
      from ledger_accounts a join k on a.code = k.code and a.currency = k.currency and a.client_id = k.client_id
    union all
    select a.id, a.code, a.currency, a.client_id
      from ledger_accounts a join k on a.code = k.code and a.currency = k.currency and a.client_id is null and k.client_id is null`;
  const ids = new Map<string, number>();
  for (const r of rows) ids.set(accountKey(r.code, r.currency, r.client_id === null ? null : Number(r.client_id)), Number(r.id));
  return ids;
}

function lineSignature(
  lines: { account: string; currency: string; clientId: number | null; amount: Big; invoiceId: number | null; trancheId: number | null }[],
): string {
  return lines
    .map((l) => `${l.account}|${l.currency}|${l.clientId ?? ''}|${l.amount.toString()}|${l.invoiceId ?? ''}|${l.trancheId ?? ''}`)
    .sort()
    .join('\n');
}

/**
 * Posts entries in one set of statements (a funding batch of 10,000 invoices is one call).
 * Entries whose idempotency key exists already are not posted again; if their lines differ
 * from what was asked, that is a conflict (the same key must mean the same posting).
 */
export async function postEntries(tx: Tx, entries: EntryInput[], by: Actor): Promise<PostedEntry[]> {
  if (entries.length === 0) return [];
  const seen = new Set<string>();
  for (const entry of entries) {
    validateEntry(entry);
    if (seen.has(entry.idempotencyKey)) {
      throw refused('duplicate_idempotency_key', `Idempotency key ${entry.idempotencyKey} appears twice in one posting`);
    }
    seen.add(entry.idempotencyKey);
  }

  // 1. Claim the idempotency keys first, before any account lock, so a racing duplicate waits
  //    here (on the unique index) instead of holding locks another poster needs.
  const col = <T>(f: (e: EntryInput) => T) => entries.map(f);
  const inserted = await tx.sql<{ id: string; idempotency_key: string }[]>`
    insert into journal_entries
      (effective_date, kind, idempotency_key, client_id, invoice_id, payment_id, release_id, reverses_entry_id,
       memo, posted_by_user_id, posted_by, request_id)
    select d::date, k, ik, c, i, p, r, rv, m, u, pb, rq from unnest(
      ${col((e) => e.effectiveDate)}::text[], ${col((e) => e.kind)}::text[], ${col((e) => e.idempotencyKey)}::text[],
      ${col((e) => e.clientId ?? null) as never}::bigint[], ${col((e) => e.invoiceId ?? null) as never}::bigint[],
      ${col((e) => e.paymentId ?? null) as never}::bigint[], ${col((e) => e.releaseId ?? null) as never}::bigint[],
      ${col((e) => e.reversesEntryId ?? null) as never}::bigint[], ${col((e) => e.memo ?? '')}::text[],
      ${col(() => by.userId) as never}::bigint[], ${col(() => by.label)}::text[], ${col(() => by.requestId) as never}::text[])
      as t(d, k, ik, c, i, p, r, rv, m, u, pb, rq)
    on conflict (idempotency_key) do nothing
    returning id, idempotency_key`;
  const newIds = new Map(inserted.map((r) => [r.idempotency_key, Number(r.id)]));

  const duplicates = entries.filter((e) => !newIds.has(e.idempotencyKey));
  const existing =
    duplicates.length > 0
      ? await loadEntriesByKey(
          tx,
          duplicates.map((e) => e.idempotencyKey),
        )
      : new Map<string, StoredEntry>();
  if (duplicates.length > 0) {
    for (const entry of duplicates) {
      const found = existing.get(entry.idempotencyKey);
      if (!found) throw new Error(`journal entry ${entry.idempotencyKey} vanished`);
      const asked = lineSignature(
        entry.lines.map((l) => ({ ...l, clientId: l.clientId ?? null, invoiceId: l.invoiceId ?? null, trancheId: l.trancheId ?? null })),
      );
      if (asked !== lineSignature(found.lines)) {
        throw conflict('idempotency_key_reused', `Journal entry ${entry.idempotencyKey} was posted before with other lines`, {
          entryId: String(found.id),
        });
      }
    }
  }

  const fresh = entries.filter((e) => newIds.has(e.idempotencyKey));
  if (fresh.length > 0) {
    const allLines = fresh.flatMap((e) => e.lines);
    const accounts = await resolveAccounts(tx, allLines);

    // 2. Lock the touched accounts in id order, then add the deltas.
    const deltas = new Map<number, Big>();
    for (const line of allLines) {
      const id = accounts.get(accountKey(line.account, line.currency, line.clientId ?? null))!;
      deltas.set(id, (deltas.get(id) ?? new Big(0)).plus(line.amount));
    }
    const accountIds = [...deltas.keys()].sort((a, b) => a - b);
    await tx.sql`select id from ledger_accounts where id = any(${accountIds}::bigint[]) order by id for update`;

    // 3. All lines in one statement: the statement-level trigger checks every entry balances.
    const lineRows: NewLine[] = fresh.flatMap((e) =>
      e.lines.map((l) => ({
        entryId: newIds.get(e.idempotencyKey)!,
        accountId: accounts.get(accountKey(l.account, l.currency, l.clientId ?? null))!,
        currency: l.currency,
        amount: l.amount.toString(),
        effectiveDate: e.effectiveDate,
        invoiceId: l.invoiceId ?? null,
        trancheId: l.trancheId ?? null,
      })),
    );
    if (lineRows.length >= COPY_THRESHOLD) {
      await copyLines(tx, lineRows);
    } else {
      const lc = <T>(f: (r: (typeof lineRows)[number]) => T) => lineRows.map(f);
      await tx.sql`
        insert into journal_lines (entry_id, account_id, currency, amount, effective_date, invoice_id, tranche_id)
        select e, a, c, am, d::date, i, tr from unnest(
          ${lc((r) => r.entryId)}::bigint[], ${lc((r) => r.accountId)}::bigint[], ${lc((r) => r.currency)}::text[],
          ${lc((r) => r.amount)}::numeric[], ${lc((r) => r.effectiveDate)}::text[],
          ${lc((r) => r.invoiceId) as never}::bigint[], ${lc((r) => r.trancheId) as never}::bigint[])
          as t(e, a, c, am, d, i, tr)`;
    }
    await tx.sql`
      update ledger_accounts a set balance = a.balance + d.delta
        from unnest(${accountIds}::bigint[], ${accountIds.map((id) => deltas.get(id)!.toString())}::numeric[]) as d(id, delta)
       where a.id = d.id`;
  }

  const results: PostedEntry[] = [];
  for (const entry of entries) {
    const id = newIds.get(entry.idempotencyKey);
    results.push(
      id !== undefined
        ? { id, idempotencyKey: entry.idempotencyKey, duplicate: false }
        : { id: existing.get(entry.idempotencyKey)!.id, idempotencyKey: entry.idempotencyKey, duplicate: true },
    );
  }
  return results;
}

/** Above this many lines a posting streams them with COPY, Postgres's fastest bulk path. */
const COPY_THRESHOLD = 2000;

interface NewLine {
  entryId: number;
  accountId: number;
  currency: string;
  amount: string;
  effectiveDate: string;
  invoiceId: number | null;
  trancheId: number | null;
}

/** All lines in one COPY: the statement-level trigger still checks balance and references. */
async function copyLines(tx: Tx, rows: NewLine[]): Promise<void> {
  await copyRows(
    tx,
    'journal_lines',
    ['entry_id', 'account_id', 'currency', 'amount', 'effective_date', 'invoice_id', 'tranche_id'],
    rows.map((r) => [r.entryId, r.accountId, r.currency, r.amount, r.effectiveDate, r.invoiceId, r.trancheId]),
  );
}

/** Posts one entry (see postEntries). */
export async function post(tx: Tx, entry: EntryInput, by: Actor): Promise<PostedEntry> {
  const [result] = await postEntries(tx, [entry], by);
  return result!;
}

export interface StoredLine {
  id: number;
  account: AccountCode;
  currency: string;
  clientId: number | null;
  amount: Big;
  invoiceId: number | null;
  trancheId: number | null;
}

export interface StoredEntry {
  id: number;
  effectiveDate: string;
  kind: string;
  idempotencyKey: string;
  clientId: number | null;
  invoiceId: number | null;
  paymentId: number | null;
  releaseId: number | null;
  reversesEntryId: number | null;
  memo: string;
  postedBy: string;
  lines: StoredLine[];
}

type EntryRow = {
  id: string;
  effective_date: string;
  kind: string;
  idempotency_key: string;
  client_id: string | null;
  invoice_id: string | null;
  payment_id: string | null;
  release_id: string | null;
  reverses_entry_id: string | null;
  memo: string;
  posted_by: string;
};
type LineRow = {
  id: string;
  entry_id: string;
  code: AccountCode;
  currency: string;
  client_id: string | null;
  amount: string;
  invoice_id: string | null;
  tranche_id: string | null;
};

const num = (v: string | null): number | null => (v === null ? null : Number(v));

const LINE_COLUMNS = 'l.id, l.entry_id, a.code, l.currency, a.client_id, l.amount, l.invoice_id, l.tranche_id';

async function hydrate(tx: Tx, rows: EntryRow[], lineRows?: LineRow[]): Promise<StoredEntry[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const lines =
    lineRows ??
    (await tx.sql<LineRow[]>`
    select ${tx.sql.unsafe(LINE_COLUMNS)}
      from journal_lines l join ledger_accounts a on a.id = l.account_id
     where l.entry_id = any(${ids}::bigint[]) order by l.id`);
  const byEntry = new Map<string, StoredLine[]>();
  for (const l of lines) {
    const list = byEntry.get(l.entry_id) ?? [];
    list.push({
      id: Number(l.id),
      account: l.code,
      currency: l.currency,
      clientId: num(l.client_id),
      amount: new Big(l.amount),
      invoiceId: num(l.invoice_id),
      trancheId: num(l.tranche_id),
    });
    byEntry.set(l.entry_id, list);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    effectiveDate: r.effective_date,
    kind: r.kind,
    idempotencyKey: r.idempotency_key,
    clientId: num(r.client_id),
    invoiceId: num(r.invoice_id),
    paymentId: num(r.payment_id),
    releaseId: num(r.release_id),
    reversesEntryId: num(r.reverses_entry_id),
    memo: r.memo,
    postedBy: r.posted_by,
    lines: byEntry.get(r.id) ?? [],
  }));
}

const ENTRY_COLUMNS = 'id, effective_date, kind, idempotency_key, client_id, invoice_id, payment_id, release_id, reverses_entry_id, memo, posted_by';

async function loadEntriesByKey(tx: Tx, keys: string[]): Promise<Map<string, StoredEntry>> {
  const rows = await tx.sql<EntryRow[]>`select ${tx.sql.unsafe(ENTRY_COLUMNS)} from journal_entries where idempotency_key = any(${keys}::text[])`;
  return new Map((await hydrate(tx, rows)).map((e) => [e.idempotencyKey, e]));
}

export async function loadEntry(tx: Tx, id: number): Promise<StoredEntry | null> {
  const rows = await tx.sql<EntryRow[]>`select ${tx.sql.unsafe(ENTRY_COLUMNS)} from journal_entries where id = ${id}`;
  return (await hydrate(tx, rows))[0] ?? null;
}

/**
 * An invoice's sub-ledger, oldest first: the entries about it alone in full, and from entries
 * that cover many invoices (a funding batch) only the lines tagged with it.
 */
/**
 * An invoice's entries (its daily fee accruals aside: they are per client and day, the invoice's
 * share in fee_accrual_lines — lib/reports/fees.ts accrualHistory). `not l.accrual` lets Postgres
 * use the partial invoice index rather than read the whole ledger.
 */
export async function entriesForInvoice(tx: Tx, invoiceId: number): Promise<StoredEntry[]> {
  // Two index lookups (the entry's invoice, its lines' invoice), not one OR: Postgres answers an
  // OR across the two by reading every journal entry, a number that grows with every day of accrual.
  const rows = await tx.sql<EntryRow[]>`
    select ${tx.sql.unsafe(ENTRY_COLUMNS)} from (
      select e.* from journal_entries e where e.invoice_id = ${invoiceId}
      union
      select e.* from journal_entries e
       where e.id in (select l.entry_id from journal_lines l where l.invoice_id = ${invoiceId} and not l.accrual)
    ) e
     order by e.effective_date, e.id`;
  // The entries about this invoice alone, in full; from entries that cover many invoices (a
  // funding batch: 40,000 lines for 10,000 invoices) only its own lines, through the invoice
  // index — never the whole batch entry's lines.
  const own = rows.filter((r) => Number(r.invoice_id) === invoiceId).map((r) => r.id);
  const shared = rows.filter((r) => Number(r.invoice_id) !== invoiceId).map((r) => r.id);
  if (rows.length === 0) return [];
  const parts = [
    own.length > 0 ? tx.sql`select l.* from journal_lines l where l.entry_id = any(${own}::bigint[])` : null,
    shared.length > 0
      ? tx.sql`select l.* from journal_lines l where l.invoice_id = ${invoiceId} and not l.accrual and l.entry_id = any(${shared}::bigint[])`
      : null,
  ].filter((p) => p !== null);
  const union = parts.length === 2 ? tx.sql`${parts[0]!} union all ${parts[1]!}` : parts[0]!;
  const lines = await tx.sql<LineRow[]>`
    select ${tx.sql.unsafe(LINE_COLUMNS)} from (${union}) l join ledger_accounts a on a.id = l.account_id
     order by l.id`;
  return hydrate(tx, rows, lines);
}

/**
 * Corrects an entry by posting its exact opposite, pointing at it (SPEC 3). An entry is
 * reversed at most once, and a reversal is not itself reversed (post a new entry instead).
 */
export async function reverse(tx: Tx, entryId: number, options: { effectiveDate: string; memo?: string }, by: Actor): Promise<PostedEntry> {
  const original = await loadEntry(tx, entryId);
  if (!original) throw notFound('Journal entry', entryId);
  if (original.reversesEntryId !== null) {
    throw refused('reversal_of_reversal', `Entry ${entryId} is itself a reversal of entry ${original.reversesEntryId}; post a new entry instead`);
  }
  const key = `reversal:${entryId}`;
  const [already] = await tx.sql<{ id: string }[]>`select id from journal_entries where reverses_entry_id = ${entryId}`;
  if (already) {
    return { id: Number(already.id), idempotencyKey: key, duplicate: true };
  }
  return post(
    tx,
    {
      effectiveDate: options.effectiveDate,
      kind: 'reversal',
      idempotencyKey: key,
      clientId: original.clientId,
      invoiceId: original.invoiceId,
      paymentId: original.paymentId,
      releaseId: original.releaseId,
      reversesEntryId: entryId,
      memo: options.memo ?? `Reversal of entry ${entryId} (${original.kind})`,
      lines: original.lines.map((l) => ({
        account: l.account,
        currency: l.currency,
        clientId: l.clientId,
        amount: l.amount.times(-1),
        invoiceId: l.invoiceId,
        trancheId: l.trancheId,
      })),
    },
    by,
  );
}

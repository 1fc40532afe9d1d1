import type { RawSql } from '../../db/client';
import { csvField } from '../csv';
import { addDays, parseBusinessDate } from '../dates';
import { DomainError } from '../errors';
import { Big, ZERO, formatMoney } from '../money';

/**
 * Issue 16 item 6: the reserve roll-forward, per client and currency and for the portfolio, for
 * any period [from, to]:
 *
 *   opening + withheld − fees − released + adjustments = closing
 *
 * tied to the ledger's `reserve` accounts to the cent. Every reserve line effective in the period
 * falls in exactly one column, chosen by its journal entry's kind — a reversal by the kind of the
 * entry it reverses, so a reversed funding lowers `withheld` and a reversed chargeback is an
 * adjustment back (README "Reserve roll-forward"):
 *
 *   funding        → withheld     (SPEC 5.1: the reserve withheld at purchase)
 *   fee_settlement → fees         (SPEC 5.2: a fee settled from the reserve)
 *   release        → released     (SPEC 6: paid over to the client)
 *   anything else  → adjustments  (chargebacks, short pays and credit notes drawn on the reserve,
 *                                   and any other kind that ever moves it)
 *
 * Figures are as a person reads a liability: held is positive; withheld and adjustments add,
 * fees and released take away (each signed: a reversal in the period can make one negative).
 */
export const ROLL_FORWARD_COLUMNS = ['withheld', 'fees', 'released', 'adjustments'] as const;
export type RollForwardColumn = (typeof ROLL_FORWARD_COLUMNS)[number];

/** The entry kinds with a column of their own; every other kind is an adjustment. */
export const ROLL_FORWARD_KINDS: Readonly<Record<string, Exclude<RollForwardColumn, 'adjustments'>>> = {
  funding: 'withheld',
  fee_settlement: 'fees',
  release: 'released',
};

/** The column of a reserve line: by its entry's kind, or for a reversal the kind of the entry it reverses. */
export function rollForwardColumn(kind: string, reversedKind: string | null = null): RollForwardColumn {
  const own = reversedKind ?? kind;
  return Object.hasOwn(ROLL_FORWARD_KINDS, own) ? ROLL_FORWARD_KINDS[own]! : 'adjustments';
}

/**
 * What a reserve line (debits positive, as the ledger stores it) adds to its column: withheld and
 * adjustments count what was added to the reserve (a credit), fees and released what was taken
 * from it (a debit) — so the identity above holds line by line.
 */
export function columnAmount(column: RollForwardColumn, ledgerAmount: Big): Big {
  return column === 'fees' || column === 'released' ? ledgerAmount : ledgerAmount.times(-1);
}

export interface RollForwardFigures {
  opening: Big;
  withheld: Big;
  fees: Big;
  released: Big;
  adjustments: Big;
  closing: Big;
}

export interface RollForwardRow extends RollForwardFigures {
  clientId: number;
  clientName: string;
  currency: string;
}

export interface RollForwardTotal extends RollForwardFigures {
  currency: string;
  clients: number;
}

export interface RollForward {
  from: string;
  to: string;
  rows: RollForwardRow[];
  /** the portfolio per currency: the sum of its rows */
  totals: RollForwardTotal[];
}

/** opening + withheld − fees − released + adjustments */
export function rolledClosing(f: Omit<RollForwardFigures, 'closing'>): Big {
  return f.opening.plus(f.withheld).minus(f.fees).minus(f.released).plus(f.adjustments);
}

/** Throws when a row's columns do not roll its opening to its closing (the ledger would be broken). */
export function assertRollsForward(row: RollForwardFigures & { currency: string }, what: string): void {
  const rolled = rolledClosing(row);
  if (!rolled.eq(row.closing)) {
    const m = (b: Big) => formatMoney(b, row.currency);
    throw new DomainError(
      'roll_forward_out_of_balance',
      `The ${row.currency} reserve roll-forward of ${what} does not tie to the ledger: opening ${m(row.opening)} + withheld ${m(row.withheld)} − fees ${m(row.fees)} − released ${m(row.released)} + adjustments ${m(row.adjustments)} = ${m(rolled)}, but the ledger holds ${m(row.closing)}`,
      { status: 409 },
    );
  }
}

/** The portfolio per currency: each column summed over the clients. */
export function rollForwardTotals(rows: RollForwardRow[]): RollForwardTotal[] {
  const totals = new Map<string, RollForwardTotal>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? {
      currency: r.currency,
      clients: 0,
      opening: ZERO,
      withheld: ZERO,
      fees: ZERO,
      released: ZERO,
      adjustments: ZERO,
      closing: ZERO,
    };
    t.clients += 1;
    t.opening = t.opening.plus(r.opening);
    t.withheld = t.withheld.plus(r.withheld);
    t.fees = t.fees.plus(r.fees);
    t.released = t.released.plus(r.released);
    t.adjustments = t.adjustments.plus(r.adjustments);
    t.closing = t.closing.plus(r.closing);
    totals.set(r.currency, t);
  }
  return [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

/** The period's dates, checked: both real dates, `to` not before `from`. Errors name the field. */
export function parsePeriod(input: { from?: unknown; to?: unknown }): { from: string; to: string } {
  const bad = (field: 'from' | 'to', label: string, message: string) =>
    new DomainError('invalid_input', `${label} ${message}`, { status: 400, details: { [field]: `${label} ${message}` } });
  const one = (field: 'from' | 'to', label: string) => {
    const v = input[field];
    if (v === undefined || v === null || v === '') throw bad(field, label, 'is required');
    try {
      return parseBusinessDate(v, field);
    } catch {
      throw bad(field, label, 'must be a real date written YYYY-MM-DD, such as 2026-03-31');
    }
  };
  const from = one('from', 'From');
  const to = one('to', 'To');
  if (to < from) throw bad('to', 'To', `(${to}) must not be before From (${from})`);
  return { from, to };
}

type Sums = {
  client_id: string;
  name: string;
  currency: string;
  balance: string;
  after: string;
  period: string;
  withheld: string;
  fees: string;
  released: string;
  adjustments: string;
};

/**
 * The roll-forward of every client's reserve (or one client's) in one statement. Per reserve
 * account two index ranges of journal_lines_account_date_idx: the lines after `to` (summed only:
 * the closing is the kept balance less them — ledger_accounts.balance is the sum of every line,
 * audit:verify proves it) and the lines of the period (summed per column, through their entry and
 * a reversal's original by primary key). The opening is the closing less the period's lines;
 * the period's total is summed apart from its columns, so a line in no column or in two would be
 * named (assertRollsForward), not hidden. Nothing before `from` is read.
 */
export async function reserveRollForward(sql: RawSql, input: { from: string; to: string; clientId?: number | null }): Promise<RollForward> {
  const { from, to } = input;
  const clientId = input.clientId ?? null;
  const kinds = (column: RollForwardColumn) => Object.keys(ROLL_FORWARD_KINDS).filter((k) => ROLL_FORWARD_KINDS[k] === column);
  const own = Object.keys(ROLL_FORWARD_KINDS);
  const rows = await sql<Sums[]>`
    select a.client_id::text, c.name, a.currency, a.balance, later.after, p.period, p.withheld, p.fees, p.released, p.adjustments
      from ledger_accounts a
      join clients c on c.id = a.client_id
      cross join lateral (
        select coalesce(sum(l.amount), 0) as after
          from journal_lines l where l.account_id = a.id and l.effective_date > ${to}::date) later
      cross join lateral (
        select coalesce(sum(m.amount), 0) as period,
               coalesce(sum(m.amount) filter (where m.kind = any(${kinds('withheld')}::text[])), 0) as withheld,
               coalesce(sum(m.amount) filter (where m.kind = any(${kinds('fees')}::text[])), 0) as fees,
               coalesce(sum(m.amount) filter (where m.kind = any(${kinds('released')}::text[])), 0) as released,
               coalesce(sum(m.amount) filter (where m.kind <> all(${own}::text[])), 0) as adjustments
          from (select l.amount, coalesce(o.kind, e.kind) as kind
                  from journal_lines l
                  join journal_entries e on e.id = l.entry_id
                  left join journal_entries o on o.id = e.reverses_entry_id
                 where l.account_id = a.id and l.effective_date >= ${from}::date and l.effective_date <= ${to}::date) m) p
     where a.code = 'reserve' and a.client_id is not null
       and (${clientId}::bigint is null or a.client_id = ${clientId}::bigint)
     order by c.name, a.client_id, a.currency`;
  const out: RollForwardRow[] = rows.map((r) => {
    const closingSigned = new Big(r.balance).minus(r.after);
    const periodSigned = new Big(r.period);
    const row: RollForwardRow = {
      clientId: Number(r.client_id),
      clientName: r.name,
      currency: r.currency,
      // a liability: held = the negated sum of its lines
      opening: closingSigned.minus(periodSigned).times(-1),
      withheld: columnAmount('withheld', new Big(r.withheld)),
      fees: columnAmount('fees', new Big(r.fees)),
      released: columnAmount('released', new Big(r.released)),
      adjustments: columnAmount('adjustments', new Big(r.adjustments)),
      closing: closingSigned.times(-1),
    };
    assertRollsForward(row, `client ${row.clientId} (${row.clientName})`);
    return row;
  });
  return { from, to, rows: out, totals: rollForwardTotals(out) };
}

/** The day before `from`: the date the opening is the ledger's balance at (for the words on screen). */
export const openingDate = (from: string) => addDays(from, -1);

// ---- paging (the screen and the API): keyset on (client name, client id) ---------------------

export const ROLL_FORWARD_PAGE_DEFAULT = 100;
export const ROLL_FORWARD_PAGE_MAX = 1000;

function encodeAfter(row: Pick<RollForwardRow, 'clientName' | 'clientId'>): string {
  return Buffer.from(JSON.stringify([row.clientName, row.clientId])).toString('base64url');
}

function decodeAfter(cursor: string): { name: string; id: number } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof name === 'string' && typeof id === 'number' && Number.isSafeInteger(id)) return { name, id };
  } catch {
    // fall through
  }
  throw new DomainError('invalid_input', 'cursor is not one this report gave out; ask again without it', {
    status: 400,
    details: { cursor: 'unknown cursor' },
  });
}

const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'variant' });

/**
 * A page of the rows (in the report's order: client name, client id, currency), starting after a
 * client — a client's currencies stay on one page. `nextCursor` is null on the last page.
 */
export function pageRollForward(
  rows: RollForwardRow[],
  options: { cursor?: string | null; limit?: number },
): { rows: RollForwardRow[]; nextCursor: string | null } {
  const limit = options.limit ?? ROLL_FORWARD_PAGE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > ROLL_FORWARD_PAGE_MAX)
    throw new DomainError('invalid_input', `limit must be a whole number from 1 to ${ROLL_FORWARD_PAGE_MAX}`, {
      status: 400,
      details: { limit: 'out of range' },
    });
  let start = 0;
  if (options.cursor) {
    const after = decodeAfter(options.cursor);
    // Rows come sorted by Postgres' collation; find the first row past the cursor's client by position.
    const at = rows.findIndex((r) => r.clientId === after.id && r.clientName === after.name);
    if (at >= 0) {
      start = at;
      while (start < rows.length && rows[start]!.clientId === after.id) start += 1;
    } else {
      start = rows.findIndex((r) => NAME_ORDER.compare(r.clientName, after.name) > 0 || (r.clientName === after.name && r.clientId > after.id));
      if (start < 0) start = rows.length;
    }
  }
  const page: RollForwardRow[] = [];
  const clients = new Set<number>();
  let i = start;
  for (; i < rows.length; i += 1) {
    const r = rows[i]!;
    if (!clients.has(r.clientId) && clients.size >= limit) break;
    clients.add(r.clientId);
    page.push(r);
  }
  const last = page[page.length - 1];
  return { rows: page, nextCursor: i < rows.length && last ? encodeAfter(last) : null };
}

// ---- shaping: JSON, CSV ----------------------------------------------------------------------

const figuresOut = (f: RollForwardFigures, currency: string) => ({
  opening: formatMoney(f.opening, currency),
  withheld: formatMoney(f.withheld, currency),
  fees: formatMoney(f.fees, currency),
  released: formatMoney(f.released, currency),
  adjustments: formatMoney(f.adjustments, currency),
  closing: formatMoney(f.closing, currency),
});

export function rollForwardRowOut(r: RollForwardRow) {
  return { clientId: String(r.clientId), clientName: r.clientName, currency: r.currency, ...figuresOut(r, r.currency) };
}

export function rollForwardTotalOut(t: RollForwardTotal) {
  return { currency: t.currency, clients: t.clients, ...figuresOut(t, t.currency) };
}

export const ROLL_FORWARD_CSV_HEADER = ['Client id', 'Client', 'Currency', 'Opening', 'Withheld', 'Fees', 'Released', 'Adjustments', 'Closing'];

const csvLine = (cells: (string | number)[]) => cells.map(csvField).join(',') + '\r\n';

/** The CSV's lines: a row per client and currency, then the portfolio total per currency (client id blank). */
export function rollForwardCsvLines(report: Pick<RollForward, 'rows' | 'totals'>): string[] {
  const lines = [csvLine(ROLL_FORWARD_CSV_HEADER)];
  for (const r of report.rows) {
    const o = rollForwardRowOut(r);
    lines.push(csvLine([o.clientId, o.clientName, o.currency, o.opening, o.withheld, o.fees, o.released, o.adjustments, o.closing]));
  }
  for (const t of report.totals) {
    const o = rollForwardTotalOut(t);
    lines.push(csvLine(['', 'Portfolio total', o.currency, o.opening, o.withheld, o.fees, o.released, o.adjustments, o.closing]));
  }
  return lines;
}

/** The CSV streamed a thousand lines at a time (a portfolio of many clients is never one string). */
export function rollForwardCsvStream(report: Pick<RollForward, 'rows' | 'totals'>): ReadableStream<Uint8Array> {
  const lines = rollForwardCsvLines(report);
  const encoder = new TextEncoder();
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= lines.length) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(lines.slice(at, at + 1000).join('')));
      at += 1000;
    },
  });
}

export interface RollForwardQuery {
  from: string;
  to: string;
  clientId: number | null;
  format: 'json' | 'csv' | 'pdf';
  cursor: string | null;
  limit: number;
}

/** The API's and the screen's query: from, to (required dates), clientId, format, cursor, limit — errors name the field. */
export function parseRollForwardQuery(params: URLSearchParams): RollForwardQuery {
  const { from, to } = parsePeriod({ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined });
  const bad = (field: string, message: string) => new DomainError('invalid_input', message, { status: 400, details: { [field]: message } });
  const rawClient = params.get('clientId');
  let clientId: number | null = null;
  if (rawClient !== null && rawClient !== '') {
    if (!/^[1-9]\d{0,15}$/.test(rawClient) || !Number.isSafeInteger(Number(rawClient)))
      throw bad('clientId', 'Client must be a client id, a whole number such as 12');
    clientId = Number(rawClient);
  }
  const format = params.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'pdf') throw bad('format', 'Format must be json, csv or pdf');
  const rawLimit = params.get('limit');
  let limit = ROLL_FORWARD_PAGE_DEFAULT;
  if (rawLimit !== null && rawLimit !== '') {
    if (!/^\d{1,5}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > ROLL_FORWARD_PAGE_MAX)
      throw bad('limit', `Limit must be a whole number from 1 to ${ROLL_FORWARD_PAGE_MAX}`);
    limit = Number(rawLimit);
  }
  return { from, to, clientId, format, cursor: params.get('cursor') || null, limit };
}

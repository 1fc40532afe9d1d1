import type { RawSql, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { csvField } from '../csv';
import { DomainError } from '../errors';
import { CHART_OF_ACCOUNTS, ACCOUNT_CODES, type AccountCode } from '../ledger/accounts';
import { Big, ZERO, formatMoney } from '../money';
import { SETTINGS, readSetting } from '../settings';
import { z } from 'zod';
import { optional, text } from '../validation/fields';
import { ANY_CURRENCY, GL_CODE_MAX, GL_NAME_MAX, mappingFieldName, mappingLabel, resolveGlAccount, validateGlMapping, type GlMappingEntry } from './gl-mapping';

/**
 * Issue 16 item 7: the journal exported for the factor's general ledger, per period, as CSV —
 * `summary` (per GL account, currency and day: debit, credit) or `detail` (per journal line) —
 * with Holdback's accounts mapped to the factor's codes (Settings → General ledger, lib/reports/gl-mapping.ts).
 * Every day's (summary) or entry's (detail) debits equal its credits per currency, and the file
 * ends with the totals per currency; a file that would not balance is refused (the ledger's
 * triggers make that impossible, the export checks anyway, as a person reconciling would).
 */

export const GL_EXPORT_MODES = ['summary', 'detail'] as const;
export type GlExportMode = (typeof GL_EXPORT_MODES)[number];

/**
 * The Settings form's schema: each account's "any currency" row by name (labelled fields), a
 * currency's own rows (`code__reserve__USD`) by the catch-all; mappingFromForm reads both.
 */
export const GL_MAPPING_FORM = z
  .object(
    Object.fromEntries(
      ACCOUNT_CODES.flatMap((account) => [
        [mappingFieldName(account, ANY_CURRENCY, 'code'), optional(text(mappingLabel(account, ANY_CURRENCY, 'code'), { max: GL_CODE_MAX }))],
        [mappingFieldName(account, ANY_CURRENCY, 'name'), optional(text(mappingLabel(account, ANY_CURRENCY, 'name'), { max: GL_NAME_MAX }))],
      ]),
    ),
  )
  .catchall(z.string().max(200));

export async function readGlMapping(tx: Pick<Tx, 'sql'>): Promise<GlMappingEntry[]> {
  return (await readSetting(tx, SETTINGS.glMapping)) ?? [];
}

/**
 * Saves the mapping (admins and controllers); the before and after go to the audit log.
 * Errors: 403 `forbidden` (needs `gl.mapping`); 400 `invalid_input` naming the row's field.
 */
export async function saveGlMapping(tx: Tx, input: unknown, actor: Actor): Promise<GlMappingEntry[]> {
  requirePermission(actor, 'gl.mapping');
  const mapping = validateGlMapping(input);
  const before = await readGlMapping(tx);
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${SETTINGS.glMapping}, ${JSON.stringify(mapping)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  await recordAudit(tx, actor, {
    action: 'settings.gl_mapping',
    targetType: 'settings',
    targetId: 'gl_mapping',
    before: { mapping: before },
    after: { mapping },
  });
  return mapping;
}

export interface GlMappingRow {
  account: AccountCode;
  label: string;
  /** an ISO code, or `*` (any currency) */
  currency: string;
  code: string;
  name: string;
  /** the ledger has this account in this currency */
  inUse: boolean;
  /** what the export writes for it (the row's own, the `*` row's, or the default) */
  resolved: { code: string; name: string; mapped: boolean };
}

/**
 * The Settings screen's rows: per account, an "any currency" row, then a row per currency the
 * ledger holds it in (and any currency a saved row names). One index-only pass over the accounts' key.
 */
export async function glMappingRows(tx: Pick<Tx, 'sql'>): Promise<GlMappingRow[]> {
  const mapping = await readGlMapping(tx);
  const used = await tx.sql<{ code: AccountCode; currency: string }[]>`select distinct code, currency from ledger_accounts order by code, currency`;
  const inUse = new Set(used.map((u) => `${u.code}|${u.currency}`));
  const rows: GlMappingRow[] = [];
  for (const account of ACCOUNT_CODES) {
    const currencies = new Set<string>([ANY_CURRENCY]);
    for (const u of used) if (u.code === account) currencies.add(u.currency);
    for (const m of mapping) if (m.account === account) currencies.add(m.currency);
    for (const currency of [...currencies].sort((a, b) => (a === ANY_CURRENCY ? -1 : b === ANY_CURRENCY ? 1 : a < b ? -1 : 1))) {
      const own = mapping.find((m) => m.account === account && m.currency === currency);
      rows.push({
        account,
        label: CHART_OF_ACCOUNTS[account].label,
        currency,
        code: own?.code ?? '',
        name: own?.name ?? '',
        inUse: inUse.has(`${account}|${currency}`),
        resolved:
          currency === ANY_CURRENCY ? { code: own?.code ?? '', name: own?.name ?? '', mapped: Boolean(own) } : resolveGlAccount(mapping, account, currency),
      });
    }
  }
  return rows;
}

/** Accounts the ledger holds that no row maps: the export writes them under their default code. */
export function unmappedInUse(rows: GlMappingRow[]): GlMappingRow[] {
  return rows.filter((r) => r.currency !== ANY_CURRENCY && r.inUse && !r.resolved.mapped);
}

// ---- the export ----------------------------------------------------------------------------

const csvLine = (cells: (string | number | null | undefined)[]) => cells.map(csvField).join(',') + '\r\n';

export const GL_SUMMARY_HEADER = ['Date', 'GL code', 'GL account', 'Currency', 'Debit', 'Credit', 'Holdback accounts'];
export const GL_DETAIL_HEADER = [
  'Entry id',
  'Date',
  'Kind',
  'Holdback account',
  'GL code',
  'GL account',
  'Currency',
  'Debit',
  'Credit',
  'Client id',
  'Client',
  'Invoice',
  'Reference',
  'Memo',
];

/**
 * Amounts in ten-thousandths (numeric(20,4)) as bigint, from the column's text: the detail sums
 * hundreds of thousands of lines, exactly and without a Big per line. Ledger amounts are rounded to
 * their currency's minor unit (lib/ledger validateEntry), so the edge text is a cut of the digits.
 */
const SCALE = 4;
export function scaledAmount(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? text.slice(1) : text).split('.');
  const value = BigInt(`${whole}${frac.padEnd(SCALE, '0').slice(0, SCALE)}`);
  return negative ? -value : value;
}

/** A scaled amount in its currency's edge format ("2000.00", JPY "2000"). */
export function scaledMoney(value: bigint, currency: string): string {
  return formatMoney(new Big(value.toString()).div(10 ** SCALE), currency);
}

/** Debits and credits per currency, checked equal: each day's, each entry's, and the file's. */
export class GlBalance {
  private readonly sums = new Map<string, { debit: bigint; credit: bigint }>();

  add(currency: string, debit: bigint, credit: bigint): void {
    const s = this.sums.get(currency);
    if (s) {
      s.debit += debit;
      s.credit += credit;
    } else this.sums.set(currency, { debit, credit });
  }

  /** Throws naming the first currency whose debits differ from its credits. */
  check(what: string): void {
    for (const [currency, s] of this.sums) {
      if (s.debit !== s.credit) {
        throw new DomainError(
          'gl_export_unbalanced',
          `The general-ledger export does not balance in ${currency} for ${what}: debits ${scaledMoney(s.debit, currency)}, credits ${scaledMoney(s.credit, currency)}`,
          { status: 409 },
        );
      }
    }
  }

  /** The totals lines of the file, one per currency. */
  totalLines(mode: GlExportMode): string[] {
    return [...this.sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, s]) => {
        const d = scaledMoney(s.debit, currency);
        const c = scaledMoney(s.credit, currency);
        return mode === 'summary'
          ? csvLine(['Total', '', 'Debits equal credits', currency, d, c, ''])
          : csvLine(['Total', '', '', '', '', 'Debits equal credits', currency, d, c, '', '', '', '', '']);
      });
  }

  clear(): void {
    this.sums.clear();
  }
}

export interface GlSummaryInput {
  date: string;
  account: AccountCode;
  currency: string;
  debit: string;
  credit: string;
}

/**
 * Pure: the summary's lines from the ledger's per (day, account, currency) sums — Holdback
 * accounts that map to one GL code summed together — each day checked to balance per currency,
 * then the totals per currency.
 */
export function glSummaryLines(mapping: readonly GlMappingEntry[], sums: readonly GlSummaryInput[]): string[] {
  const lines = [csvLine(GL_SUMMARY_HEADER)];
  const total = new GlBalance();
  const byDay = new Map<string, GlSummaryInput[]>();
  for (const s of sums) byDay.set(s.date, [...(byDay.get(s.date) ?? []), s]);
  for (const date of [...byDay.keys()].sort()) {
    const day = new GlBalance();
    const gl = new Map<string, { code: string; name: string; currency: string; debit: Big; credit: Big; accounts: Set<string> }>();
    for (const s of byDay.get(date)!) {
      const to = resolveGlAccount(mapping, s.account, s.currency);
      const key = `${s.currency}|${to.code}`;
      const g = gl.get(key) ?? { code: to.code, name: to.name, currency: s.currency, debit: ZERO, credit: ZERO, accounts: new Set<string>() };
      g.debit = g.debit.plus(s.debit);
      g.credit = g.credit.plus(s.credit);
      g.accounts.add(s.account);
      gl.set(key, g);
      day.add(s.currency, scaledAmount(s.debit), scaledAmount(s.credit));
      total.add(s.currency, scaledAmount(s.debit), scaledAmount(s.credit));
    }
    day.check(date);
    for (const g of [...gl.values()].sort((a, b) => (a.currency === b.currency ? (a.code < b.code ? -1 : 1) : a.currency < b.currency ? -1 : 1))) {
      lines.push(
        csvLine([date, g.code, g.name, g.currency, formatMoney(g.debit, g.currency), formatMoney(g.credit, g.currency), [...g.accounts].sort().join(' ')]),
      );
    }
  }
  total.check(`the period`);
  return [...lines, ...total.totalLines('summary')];
}

export interface GlDetailInput {
  lineId: string;
  entryId: string;
  date: string;
  kind: string;
  account: AccountCode;
  currency: string;
  /** debit positive, credit negative */
  amount: string;
  clientId: string | null;
  client: string | null;
  invoice: string | null;
  reference: string;
  memo: string;
}

/** Pure: one detail line of a journal line, its amount split into debit and credit. */
export function glDetailLine(mapping: readonly GlMappingEntry[], l: GlDetailInput, resolve: GlResolver = (a, c) => resolveGlAccount(mapping, a, c)): string {
  const gl = resolve(l.account, l.currency);
  const negative = l.amount.startsWith('-');
  const money = scaledMoney(scaledAmount(negative ? l.amount.slice(1) : l.amount), l.currency);
  // a journal line is never zero (lib/ledger validateEntry): it is a debit or a credit
  const debit = negative ? '' : money;
  const credit = negative ? money : '';
  return csvLine([l.entryId, l.date, l.kind, l.account, gl.code, gl.name, l.currency, debit, credit, l.clientId, l.client, l.invoice, l.reference, l.memo]);
}

export type GlResolver = (account: AccountCode, currency: string) => { code: string; name: string };

/** resolveGlAccount once per account and currency of a file. */
export function cachedResolver(mapping: readonly GlMappingEntry[]): GlResolver {
  const cache = new Map<string, { code: string; name: string }>();
  return (account, currency) => {
    const key = `${account}|${currency}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = resolveGlAccount(mapping, account, currency);
      cache.set(key, hit);
    }
    return hit;
  };
}

/** The period's per (day, account code, currency) sums: an index range of journal_lines_account_date_idx per account. */
async function summarySums(sql: RawSql, from: string, to: string): Promise<GlSummaryInput[]> {
  return sql<GlSummaryInput[]>`
    select s.effective_date::text as date, a.code as account, a.currency,
           sum(s.debit)::text as debit, sum(s.credit)::text as credit
      from ledger_accounts a
      cross join lateral (
        select l.effective_date,
               coalesce(sum(l.amount) filter (where l.amount > 0), 0) as debit,
               coalesce(-sum(l.amount) filter (where l.amount < 0), 0) as credit
          from journal_lines l
         where l.account_id = a.id and l.effective_date >= ${from}::date and l.effective_date <= ${to}::date
         group by l.effective_date) s
     group by s.effective_date, a.code, a.currency
     order by 1, 3, 2`;
}

/**
 * The period's journal lines, per account by journal_lines_account_date_idx, their entries by
 * primary key. `offset 0` keeps the lateral a per-account index range: flattened, the planner
 * hash-joins a whole scan of journal_lines and journal_entries when the period is a large share of
 * a young ledger (a month of the 100-day volume portfolio is a third) — a plan whose cost grows
 * with the ledger's whole history, not the month (tests/integration/query-plans-month-end.test.ts).
 */
function detailQuery(sql: RawSql, from: string, to: string) {
  return sql<GlDetailInput[]>`
    select l.id::text as "lineId", l.entry_id::text as "entryId", l.effective_date::text as date, e.kind, a.code as account, l.currency,
           l.amount::text as amount, coalesce(a.client_id, e.client_id)::text as "clientId", c.name as client, i.number as invoice,
           concat_ws(' ',
             case when e.reverses_entry_id is not null then 'reverses entry ' || e.reverses_entry_id end,
             case when e.release_id is not null then 'release ' || e.release_id end,
             case when e.payment_id is not null then 'payment ' || e.payment_id end) as reference,
           e.memo
      from ledger_accounts a
      cross join lateral (
        select l.id, l.entry_id, l.effective_date, l.currency, l.amount, l.invoice_id
          from journal_lines l
         where l.account_id = a.id and l.effective_date >= ${from}::date and l.effective_date <= ${to}::date
         offset 0) l
      join journal_entries e on e.id = l.entry_id
      left join clients c on c.id = coalesce(a.client_id, e.client_id)
      left join invoices i on i.id = coalesce(l.invoice_id, e.invoice_id)
     order by l.effective_date, l.entry_id, l.id`;
}

/**
 * The export as a CSV stream. `summary` is read whole (a row per GL account, currency and day)
 * and checked before the first byte; `detail` streams the lines through a cursor, a few thousand
 * at a time, checking each entry as it closes — an entry that does not balance ends the download
 * with an error instead of a file that looks whole.
 */
export async function glExportCsv(sql: RawSql, input: { from: string; to: string; mode: GlExportMode }): Promise<ReadableStream<Uint8Array>> {
  const mapping = await readGlMapping({ sql } as Pick<Tx, 'sql'>);
  const encoder = new TextEncoder();
  if (input.mode === 'summary') {
    const lines = glSummaryLines(mapping, await summarySums(sql, input.from, input.to));
    let at = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= lines.length) return controller.close();
        controller.enqueue(encoder.encode(lines.slice(at, at + 2000).join('')));
        at += 2000;
      },
    });
  }
  const resolve = cachedResolver(mapping);
  const iterator = detailQuery(sql, input.from, input.to).cursor(2000)[Symbol.asyncIterator]();
  const total = new GlBalance();
  const entry = new GlBalance();
  let entryId: string | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(csvLine(GL_DETAIL_HEADER)));
        }
        const next = await iterator.next();
        if (next.done) {
          if (entryId !== null) entry.check(`journal entry ${entryId}`);
          total.check('the period');
          controller.enqueue(encoder.encode(total.totalLines('detail').join('')));
          controller.close();
          return;
        }
        const out: string[] = [];
        for (const l of next.value) {
          if (l.entryId !== entryId) {
            if (entryId !== null) entry.check(`journal entry ${entryId}`);
            entry.clear();
            entryId = l.entryId;
          }
          const amount = scaledAmount(l.amount);
          const debit = amount > 0n ? amount : 0n;
          const credit = amount < 0n ? -amount : 0n;
          entry.add(l.currency, debit, credit);
          total.add(l.currency, debit, credit);
          out.push(glDetailLine(mapping, l, resolve));
        }
        controller.enqueue(encoder.encode(out.join('')));
      } catch (error) {
        await iterator.return?.();
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The API's query: from, to (dates, to not before from), mode (summary by default) — errors name the field. */
export function parseGlExportMode(value: string | null): GlExportMode {
  const mode = value === null || value === '' ? 'summary' : value;
  if (mode !== 'summary' && mode !== 'detail') {
    throw new DomainError('invalid_input', 'Mode must be summary or detail', { status: 400, details: { mode: 'Mode must be summary or detail' } });
  }
  return mode;
}

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { clients } from '../../db/schema';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { businessDateWindow } from '../dates';
import { DomainError, unknownId } from '../errors';
import { assertRowLimit } from '../http/limits';
import { fundableCurrencies } from '../clients';
import { raiseIntakeFlags, type RaisedFlag } from '../intake/flags';
import { Big, formatMoney, moneyOut } from '../money';
import { parseInput } from '../validation';
import type { InvoiceListItem } from './index';
import { parseSchedule, type ScheduleLineError, type ScheduleRow } from './csv';
import { groupBy } from '../group-by';

/**
 * Imports a client's schedule of accounts: every row becomes a `submitted` invoice, or — if any
 * line has an error — nothing does, and every error comes back with its line number so the
 * file can be fixed in one pass. Debtors are resolved and duplicates found set-based (one query
 * each, whatever the file's size); the invoices go in with one INSERT.
 */

export const importInvoicesSchema = z.object({
  clientId: z.union([z.string(), z.number()], { error: 'is required' }).transform((v, ctx) => {
    const text = String(v).trim();
    if (!/^[1-9]\d{0,15}$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'must be an id' });
      return z.NEVER;
    }
    return Number(text);
  }),
  csv: z.string({ error: 'must be the CSV text of the schedule' }),
});

export interface ImportedInvoice extends InvoiceListItem {
  debtorId: string;
  /** the file line the invoice came from */
  line: number;
}

export interface ImportResult {
  invoices: ImportedInvoice[];
  count: number;
  /** issue 16 item 5: intake flags raised on the imported invoices (one set-based query) */
  flags: RaisedFlag[];
}

interface ResolvedRow extends ScheduleRow {
  debtorId: number;
  debtorName: string;
}

const key = (debtorId: number | string, number: string) => `${debtorId}\u0000${number}`;

/** One error for the whole file: nothing was imported, and here is every line to fix. */
export function invalidSchedule(errors: ScheduleLineError[]): DomainError {
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  const lines = new Set(sorted.map((e) => e.line)).size;
  return new DomainError('invalid_schedule', `${lines} line${lines === 1 ? ' has' : 's have'} errors; nothing was imported`, {
    status: 422,
    details: { errors: sorted },
  });
}

export async function importInvoices(tx: Tx, input: { clientId: unknown; csv: unknown }, actor: Actor): Promise<ImportResult> {
  requirePermission(actor, 'invoice.create');
  const { clientId, csv } = parseInput(importInvoicesSchema, input);
  // The row cap before parsing: a parsed row costs far more memory than its line of text.
  assertRowLimit(csv);
  const [client] = await tx.db.select({ id: clients.id, name: clients.name, currency: clients.currency }).from(clients).where(eq(clients.id, clientId));
  if (!client) throw unknownId('clientId', 'Client', clientId);

  // A row without a currency is in the client's home currency.
  const parsed = parseSchedule(csv, { defaultCurrency: client.currency });
  const errors = parsed.errors;
  const rows = withinRules(parsed.rows, errors, await fundableCurrencies(tx, client), client.name);
  const resolved = await resolveDebtors(tx, rows, errors);

  // SPEC 5.1: a number is unique per client–debtor — within the file and against the database.
  const firstLine = new Map<string, number>();
  const fresh: ResolvedRow[] = [];
  for (const row of resolved) {
    const k = key(row.debtorId, row.number);
    const seen = firstLine.get(k);
    if (seen !== undefined) {
      errors.push({ line: row.line, message: `invoice ${row.number} for ${row.debtorName} appears twice in this file (first on line ${seen})` });
      continue;
    }
    firstLine.set(k, row.line);
    fresh.push(row);
  }
  if (fresh.length > 0) {
    const existing = await tx.sql<{ debtor_id: string; number: string }[]>`
      select i.debtor_id, i.number
        from invoices i
        join unnest(${fresh.map((r) => r.debtorId)}::bigint[], ${fresh.map((r) => r.number)}::text[]) as f(debtor_id, number)
          on i.debtor_id = f.debtor_id and i.number = f.number
       where i.client_id = ${clientId}`;
    const taken = new Set(existing.map((e) => key(e.debtor_id, e.number)));
    for (const row of fresh) {
      if (taken.has(key(row.debtorId, row.number))) errors.push({ line: row.line, message: duplicateMessage(row) });
    }
  }
  if (errors.length > 0) throw invalidSchedule(errors);

  // One statement for the whole file. A twin inserted by a concurrent import since the check
  // above is skipped by ON CONFLICT and reported below, which rolls this import back entirely.
  const inserted = await tx.sql<
    { id: string; debtor_id: string; number: string; currency: string; face_value: string; status: string; issue_date: string; due_date: string }[]
  >`
    insert into invoices (client_id, debtor_id, number, currency, face_value, issue_date, due_date, status, created_by)
    select ${clientId}, f.debtor_id, f.number, f.currency, f.face_value, f.issue_date, f.due_date, 'submitted', ${actor.userId}::bigint
      from unnest(${fresh.map((r) => r.debtorId)}::bigint[], ${fresh.map((r) => r.number)}::text[], ${fresh.map((r) => r.currency)}::text[],
                  ${fresh.map((r) => r.faceValue)}::numeric[], ${fresh.map((r) => r.issueDate)}::date[], ${fresh.map((r) => r.dueDate)}::date[])
           with ordinality as f(debtor_id, number, currency, face_value, issue_date, due_date, n)
     order by f.n
        on conflict on constraint invoices_client_debtor_number do nothing
    returning id, debtor_id, number, currency, face_value, status, issue_date, due_date`;
  const byKey = new Map(inserted.map((r) => [key(r.debtor_id, r.number), r]));
  const raced = fresh.filter((r) => !byKey.has(key(r.debtorId, r.number)));
  if (raced.length > 0) throw invalidSchedule(raced.map((r) => ({ line: r.line, message: duplicateMessage(r) })));

  const invoices: ImportedInvoice[] = fresh.map((r) => {
    const row = byKey.get(key(r.debtorId, r.number))!;
    return {
      id: row.id,
      number: row.number,
      clientId: String(clientId),
      clientName: client.name,
      debtorId: row.debtor_id,
      debtorName: r.debtorName,
      currency: row.currency,
      faceValue: moneyOut(row.face_value, row.currency),
      status: row.status,
      issueDate: row.issue_date,
      dueDate: row.due_date,
      fundingDate: null,
      line: r.line,
    };
  });

  const totals = new Map<string, Big>();
  for (const i of invoices) totals.set(i.currency, (totals.get(i.currency) ?? new Big(0)).plus(i.faceValue));
  // One hash-chain step for the whole file, naming every invoice it created (a 50,000-line
  // schedule is one event, not 50,000).
  await recordAudit(tx, actor, {
    action: 'invoice.import',
    targetType: 'client',
    targetId: clientId,
    after: {
      count: invoices.length,
      fileSha256: createHash('sha256').update(csv).digest('hex'),
      totals: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, faceValue]) => ({ currency, faceValue: formatMoney(faceValue, currency) })),
      invoiceIds: invoices.map((i) => i.id),
      columns: ['invoiceId', 'line', 'number', 'debtorId', 'currency', 'faceValue', 'issueDate', 'dueDate'],
      invoices: invoices.map((i) => [i.id, i.line, i.number, i.debtorId, i.currency, i.faceValue, i.issueDate, i.dueDate]),
    },
  });
  const flags = await raiseIntakeFlags(
    tx,
    invoices.map((i) => Number(i.id)),
    { at: 'entry' },
    actor,
  );
  return { invoices, count: invoices.length, flags };
}

/**
 * The rules createInvoice applies, line by line: an issue date that has happened, a due date in
 * the business-date window, a currency the client's agreement funds. A row that breaks one is an
 * error on its line.
 */
function withinRules(rows: ScheduleRow[], errors: ScheduleLineError[], currencies: string[], clientName: string): ScheduleRow[] {
  const happened = businessDateWindow('happened');
  const ahead = businessDateWindow('ahead');
  return rows.filter((row) => {
    const problems: string[] = [];
    // Issue 16 item 5: an issue date after today is imported and flagged (future_issue_date); only too far ahead is an error
    if (row.issueDate > ahead.latest) problems.push(`issue date ${row.issueDate} is too far ahead (${ahead.latest} at the latest)`);
    else if (row.issueDate < happened.earliest) problems.push(`issue date ${row.issueDate} is too far in the past (${happened.earliest} at the earliest)`);
    if (row.dueDate > ahead.latest) problems.push(`due date ${row.dueDate} is too far ahead (${ahead.latest} at the latest)`);
    else if (row.dueDate < ahead.earliest) problems.push(`due date ${row.dueDate} is too far in the past (${ahead.earliest} at the earliest)`);
    if (!currencies.includes(row.currency)) problems.push(`currency ${row.currency} is not one ${clientName}'s agreement funds (${currencies.join(', ')})`);
    for (const message of problems) errors.push({ line: row.line, message });
    return problems.length === 0;
  });
}

function duplicateMessage(row: ResolvedRow): string {
  return `invoice ${row.number} exists already for this client and debtor (${row.debtorName})`;
}

/**
 * Debtor ids and exact names → debtors, with one query. An unknown debtor, or a name that
 * several debtors share, is an error on its line.
 */
async function resolveDebtors(tx: Tx, rows: ScheduleRow[], errors: ScheduleLineError[]): Promise<ResolvedRow[]> {
  if (rows.length === 0) return [];
  const isId = (r: ScheduleRow) => r.debtorIs !== 'name' && /^[1-9]\d{0,15}$/.test(r.debtor);
  const ids = [...new Set(rows.filter(isId).map((r) => r.debtor))];
  const names = [...new Set(rows.filter((r) => r.debtorIs !== 'id').map((r) => r.debtor))];
  const found = await tx.sql<{ id: string; name: string; merged_into_id: string | null }[]>`
    select id, name, merged_into_id::text from debtors where id = any(${ids}::bigint[]) or name = any(${names}::text[])
     order by id for key share`;
  const byId = new Map(found.map((d) => [d.id, d]));
  // A debtor merged into another (issue 13) is no longer a name to enter invoices under. The key-share
  // lock (the one the invoices' foreign key takes anyway) makes a merge being approved now either wait
  // for this import (and move its invoices with the rest) or finish first (and this file is refused).
  const byName = groupBy(
    found.filter((d) => d.merged_into_id === null),
    (d) => d.name,
  );

  const resolved: ResolvedRow[] = [];
  for (const row of rows) {
    // An id is tried first; a `debtor` column value that is no debtor's id may still be a name.
    const viaId = isId(row) ? byId.get(row.debtor) : undefined;
    if (viaId?.merged_into_id) {
      errors.push({ line: row.line, message: `debtor ${viaId.id} (${viaId.name}) was merged into debtor ${viaId.merged_into_id}; give that debtor instead` });
      continue;
    }
    if (viaId) {
      resolved.push({ ...row, debtorId: Number(viaId.id), debtorName: viaId.name });
      continue;
    }
    const named = row.debtorIs === 'id' ? [] : (byName.get(row.debtor) ?? []);
    if (named.length === 1) {
      resolved.push({ ...row, debtorId: Number(named[0]!.id), debtorName: named[0]!.name });
    } else if (named.length > 1) {
      errors.push({
        line: row.line,
        message: `debtor "${row.debtor}" matches ${named.length} debtors (ids ${named.map((d) => d.id).join(', ')}); give the debtor id instead`,
      });
    } else {
      errors.push({
        line: row.line,
        message: row.debtorIs === 'id' ? `there is no debtor with id ${row.debtor}` : `there is no debtor "${row.debtor}" (give its id or its exact name)`,
      });
    }
  }
  return resolved;
}

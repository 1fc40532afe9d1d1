import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Database, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, type Actor } from '../auth/actor';
import { requirePermission, type Permission } from '../auth/permissions';
import { todayIn } from '../dates';
import { DomainError, notFound } from '../errors';
import { groupedMoney } from '../money';
import { appUrl } from '../notifications';
import { queueEmail } from '../notifications/outbox';
import { recipientsFor } from '../notifications/preferences';
import { parseInput } from '../validation';
import { SETTINGS } from '../settings';
import { clientsWithReserveActivity, loadStatementData, type ClientStatementData } from './data';
import { buildStatement, statementFigures, type CurrencyFigures, type Statement } from './model';
import { describePeriod, parsePeriod, previousMonth, type StatementPeriod } from './period';
import { renderStatementPdf } from './render';
import { webhookStatementsReady } from '../webhooks/emit';

export { buildStatement, statementFigures } from './model';
export { describePeriod, firstBusinessDayOfMonth, isFirstBusinessDayOfMonth, parsePeriod, previousMonth } from './period';
export type { Statement, CurrencyFigures } from './model';
export type { StatementPeriod } from './period';

/*
 * Who may (lib/auth/permissions.ts): `statement.read` — reading and downloading, everyone who may
 * read the client (a client user: its own only); `statement.run` — runs for many clients (the
 * monthly job's work, on demand); `statement.issue` — issuing one client's statement, storing it
 * for good and emailing the client's contacts, from the API (POST /clients/{id}/statements) or
 * the console; `statement.issue_own` — a client user issues its own client's statement from the
 * portal (and no other client's). Reading never issues: GET …/statements?from&to answers the PDF
 * and writes nothing.
 */
/** Which issuing permission a caller acts under: staff (`statement.issue`) or the portal (`statement.issue_own`). */
export type IssuePermission = Extract<Permission, 'statement.issue' | 'statement.issue_own'>;

export interface StatementView {
  id: string;
  clientId: string;
  from: string;
  to: string;
  periodLabel: string;
  currencies: CurrencyFigures[];
  sha256: string;
  bytes: number;
  generatedAt: string;
  generatedBy: string;
  /** the download route: a PDF for an API key, the console and the portal alike */
  downloadUrl: string;
}

/** The one download route for a stored statement (API key or signed-in session). */
export function statementDownloadPath(clientId: number | string, statementId: number | string): string {
  return `/api/v1/clients/${clientId}/statements/${statementId}`;
}

export function statementFilename(clientId: number | string, period: StatementPeriod): string {
  return `reserve-statement-${clientId}-${period.from}-to-${period.to}.pdf`;
}

/** The factor's name on every statement: setting `factor.name`, else FACTOR_NAME, else "Holdback". */
export async function factorName(tx: Tx): Promise<string> {
  const [row] = await tx.sql<{ value: string | null }[]>`select value #>> '{}' as value from settings where key = ${SETTINGS.factorName}`;
  return (row?.value ?? '').trim() || process.env.FACTOR_NAME?.trim() || 'Holdback';
}

type Row = {
  id: string;
  client_id: string;
  period_from: string;
  period_to: string;
  figures: CurrencyFigures[];
  sha256: string;
  bytes: number;
  generated_at: string;
  generated_by: string;
};

function view(r: Row): StatementView {
  const period = { from: r.period_from, to: r.period_to };
  return {
    id: r.id,
    clientId: r.client_id,
    from: r.period_from,
    to: r.period_to,
    periodLabel: describePeriod(period),
    currencies: r.figures,
    sha256: r.sha256,
    bytes: r.bytes,
    generatedAt: r.generated_at,
    generatedBy: r.generated_by,
    downloadUrl: statementDownloadPath(r.client_id, r.id),
  };
}

const COLUMNS = (tx: Tx) =>
  tx.sql`id, client_id, period_from, period_to, figures, sha256, bytes, to_char(generated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as generated_at, generated_by`;

/**
 * A client's stored statements, newest period first (without the PDFs). Keyset-paginated by id
 * for the API; the console and the portal take the first page.
 */
export async function listStatements(tx: Tx, clientId: number, actor: Actor, page: { limit?: number; after?: number | null } = {}): Promise<StatementView[]> {
  requirePermission(actor, 'statement.read');
  assertClientScope(actor, clientId);
  const rows = await tx.sql<Row[]>`
    select ${COLUMNS(tx)} from statements
     where client_id = ${clientId} and (${page.after ?? null}::bigint is null or id < ${page.after ?? null})
     order by period_to desc, period_from desc, id desc limit ${page.limit ?? 100}`;
  return rows.map(view);
}

export async function getStatement(tx: Tx, clientId: number, statementId: number, actor: Actor): Promise<StatementView> {
  requirePermission(actor, 'statement.read');
  assertClientScope(actor, clientId, 'Statement');
  const [row] = await tx.sql<Row[]>`select ${COLUMNS(tx)} from statements where id = ${statementId} and client_id = ${clientId}`;
  if (!row) throw notFound('Statement', statementId);
  return view(row);
}

/** The stored PDF of a statement, as issued (a client user: its own client's only, else 404). */
export async function statementPdf(tx: Tx, clientId: number, statementId: number, actor: Actor): Promise<{ filename: string; pdf: Buffer; sha256: string }> {
  requirePermission(actor, 'statement.read');
  assertClientScope(actor, clientId, 'Statement');
  const [row] = await tx.sql<{ period_from: string; period_to: string; pdf: Buffer; sha256: string }[]>`
    select period_from, period_to, pdf, sha256 from statements where id = ${statementId} and client_id = ${clientId}`;
  if (!row) throw notFound('Statement', statementId);
  return { filename: statementFilename(clientId, { from: row.period_from, to: row.period_to }), pdf: Buffer.from(row.pdf), sha256: row.sha256 };
}

export interface RenderedStatement {
  clientId: number;
  period: StatementPeriod;
  statement: Statement;
  pdf: Buffer;
  sha256: string;
  contacts: ClientStatementData['contacts'];
}

export type Renderer = (statement: Statement) => Promise<Buffer>;

function composed(data: ClientStatementData, period: StatementPeriod, factor: string): Statement {
  return buildStatement({ factorName: factor, client: { id: data.clientId, name: data.name }, period, currencies: data.currencies });
}

async function renderOne(data: ClientStatementData, period: StatementPeriod, factor: string, render: Renderer): Promise<RenderedStatement> {
  const statement = composed(data, period, factor);
  const pdf = await render(statement);
  return { clientId: data.clientId, period, statement, pdf, sha256: createHash('sha256').update(pdf).digest('hex'), contacts: data.contacts };
}

/**
 * Builds and renders a statement from the ledger without storing it: the same figures and the
 * same bytes every time for the same ledger (what a stored statement can be checked against).
 */
export async function composeStatement(tx: Tx, clientId: number, period: StatementPeriod, options: { render?: Renderer } = {}): Promise<RenderedStatement> {
  const data = (await loadStatementData(tx, [clientId], period)).get(clientId);
  if (!data) throw notFound('Client', clientId);
  return renderOne(data, period, await factorName(tx), options.render ?? renderStatementPdf);
}

/**
 * Stores rendered statements (one per client and period: a statement issued meanwhile by
 * someone else wins and this one is dropped), audits each, and queues the statement-ready
 * email to each contact who wants it — all in the caller's transaction.
 */
async function storeStatements(
  tx: Tx,
  rendered: RenderedStatement[],
  by: Actor,
  jobRunId: number | null,
): Promise<{ stored: Map<number, number>; emailed: number }> {
  const stored = new Map<number, number>();
  if (rendered.length === 0) return { stored, emailed: 0 };
  const c = <T>(f: (r: RenderedStatement) => T) => rendered.map(f);
  const figures = rendered.map((r) => statementFigures(r.statement));
  const inserted = await tx.sql<{ id: string; client_id: string }[]>`
    insert into statements (client_id, period_from, period_to, currencies, opening_balances, closing_balances, figures, pdf, sha256, bytes,
                            generated_by, generated_by_user_id, job_run_id)
    select t.client_id, t.period_from, t.period_to, string_to_array(t.currencies, ','), string_to_array(t.openings, ',')::numeric[],
           string_to_array(t.closings, ',')::numeric[], t.figures::jsonb, decode(t.pdf, 'base64'), t.sha256, t.bytes,
           ${by.label}, ${by.userId}::bigint, ${jobRunId}::bigint
      from unnest(${c((r) => r.clientId)}::bigint[], ${c((r) => r.period.from)}::date[], ${c((r) => r.period.to)}::date[],
                  ${c((r) => r.statement.currencies.map((s) => s.currency).join(','))}::text[],
                  ${c((r) => r.statement.currencies.map((s) => s.opening.toString()).join(','))}::text[],
                  ${c((r) => r.statement.currencies.map((s) => s.closing.toString()).join(','))}::text[],
                  ${figures.map((f) => JSON.stringify(f))}::text[], ${c((r) => r.pdf.toString('base64'))}::text[],
                  ${c((r) => r.sha256)}::text[], ${c((r) => r.pdf.length)}::int[])
           as t(client_id, period_from, period_to, currencies, openings, closings, figures, pdf, sha256, bytes)
    on conflict (client_id, period_from, period_to) do nothing
    returning id, client_id`;
  for (const row of inserted) stored.set(Number(row.client_id), Number(row.id));
  const byClient = new Map(rendered.map((r, i) => [r.clientId, { r, figures: figures[i]! }]));
  const events = [];
  let emailed = 0;
  for (const [clientId, id] of stored) {
    const { r, figures: f } = byClient.get(clientId)!;
    events.push({
      action: 'statement.issue',
      targetType: 'statement',
      targetId: id,
      after: {
        clientId: String(clientId),
        from: r.period.from,
        to: r.period.to,
        closing: Object.fromEntries(f.map((x) => [x.currency, x.closing])),
        sha256: r.sha256,
        bytes: r.pdf.length,
      },
    });
    for (const contact of recipientsFor(r.contacts, 'statements')) {
      const queued = await queueEmail(tx, {
        to: contact.email,
        template: 'statement_ready',
        data: {
          clientName: r.statement.client.name,
          statementId: String(id),
          periodLabel: describePeriod(r.period),
          from: r.period.from,
          to: r.period.to,
          balances: r.statement.currencies.map((s) => ({
            currency: s.currency,
            opening: groupedMoney(s.opening, s.currency),
            closing: groupedMoney(s.closing, s.currency),
          })),
          url: `${appUrl()}/portal`,
        },
        dedupeKey: `statement:${id}:${contact.email.toLowerCase()}`,
        clientId,
      });
      if (queued !== null) emailed += 1;
    }
  }
  await recordAudit(tx, by, events);
  await webhookStatementsReady(
    tx,
    events.map((e) => ({ id: Number(e.targetId), clientId: Number(e.after.clientId), from: e.after.from, to: e.after.to, closing: e.after.closing })),
  );
  return { stored, emailed };
}

async function storedFor(tx: Tx, clientId: number, period: StatementPeriod): Promise<StatementView | null> {
  const [row] = await tx.sql<Row[]>`
    select ${COLUMNS(tx)} from statements where client_id = ${clientId} and period_from = ${period.from}::date and period_to = ${period.to}::date`;
  return row ? view(row) : null;
}

type IssueOptions = { today?: string; permission?: IssuePermission; render?: Renderer };

/** Who may issue, for which client and period: the checks before anything is read or written. */
async function issuable(
  tx: Tx,
  input: { clientId: number; from: unknown; to: unknown },
  actor: Actor,
  options: { today?: string; permission: Permission },
): Promise<StatementPeriod> {
  requirePermission(actor, options.permission);
  assertClientScope(actor, input.clientId);
  const [client] = await tx.sql<{ id: string }[]>`select id from clients where id = ${input.clientId}`;
  if (!client) throw notFound('Client', input.clientId);
  return parsePeriod({ from: input.from, to: input.to }, options.today ?? todayIn());
}

/**
 * Issues a statement in the caller's transaction (API POST /clients/{id}/statements): the stored
 * statement of the period, or — the first time — one built from the ledger, rendered, stored,
 * audited and announced to the client's contacts (the outbox, in this transaction).
 * Deterministic: the same ledger gives the same figures and the same PDF.
 */
export async function issueStatementIn(
  tx: Tx,
  input: { clientId: number; from: unknown; to: unknown },
  actor: Actor,
  options: IssueOptions = {},
): Promise<{ statement: StatementView; created: boolean; emailed: number }> {
  const period = await issuable(tx, input, actor, { today: options.today, permission: options.permission ?? 'statement.issue' });
  const existing = await storedFor(tx, input.clientId, period);
  if (existing) return { statement: existing, created: false, emailed: 0 };
  const rendered = await composeStatement(tx, input.clientId, period, { render: options.render });
  const { stored, emailed } = await storeStatements(tx, [rendered], actor, null);
  const statement = await storedFor(tx, input.clientId, period);
  if (!statement) throw new DomainError('statement_not_stored', 'The statement could not be stored; try again', { status: 409 });
  return { statement, created: stored.has(input.clientId), emailed };
}

/**
 * The console's "Generate statement" and the portal's "Issue statement": issueStatementIn in its
 * own transaction, after a quick look for the stored one (no transaction for a statement that
 * exists). `statement.issue` (controllers and admins) by default; the portal passes `permission: 'statement.issue_own'`.
 */
export async function issueStatement(
  database: Database,
  input: { clientId: number; from: unknown; to: unknown },
  actor: Actor,
  options: IssueOptions = {},
): Promise<{ statement: StatementView; created: boolean; emailed: number }> {
  const period = await issuable(database, input, actor, { today: options.today, permission: options.permission ?? 'statement.issue' });
  const existing = await storedFor(database, input.clientId, period);
  if (existing) return { statement: existing, created: false, emailed: 0 };
  return database.transaction((tx) => issueStatementIn(tx, input, actor, options));
}

/**
 * API.md GET /clients/{id}/statements?from&to — read-only: the stored statement of exactly that
 * period as issued, or else one rendered from the ledger now and not stored, audited or emailed
 * (a GET never writes: an auditor's download or a link followed from another site changes nothing).
 */
export async function readStatementPdf(
  tx: Tx,
  input: { clientId: number; from: unknown; to: unknown },
  actor: Actor,
  options: { today?: string; render?: Renderer } = {},
): Promise<{ filename: string; pdf: Buffer; sha256: string; statementId: string | null }> {
  const period = await issuable(tx, input, actor, { today: options.today, permission: 'statement.read' });
  const stored = await storedFor(tx, input.clientId, period);
  if (stored) {
    const file = await statementPdf(tx, input.clientId, Number(stored.id), actor);
    return { ...file, statementId: stored.id };
  }
  const rendered = await composeStatement(tx, input.clientId, period, { render: options.render });
  return { filename: statementFilename(input.clientId, period), pdf: rendered.pdf, sha256: rendered.sha256, statementId: null };
}

/**
 * Every client id named (a statement run's `clientIds`) exists: else a 404 naming the unknown
 * ones — checked before a run is queued, so an unknown id is never an accepted job that does nothing.
 */
export async function assertClientsExist(tx: Tx, clientIds: readonly (number | string)[]): Promise<void> {
  const ids = [...new Set(clientIds.map(Number))];
  if (ids.length === 0) return;
  const known = await tx.sql<{ id: string }[]>`select id from clients where id = any(${ids}::bigint[])`;
  const knownSet = new Set(known.map((k) => Number(k.id)));
  const unknown = ids.filter((id) => !knownSet.has(id));
  if (unknown.length > 0)
    throw new DomainError('not_found', `No client ${unknown.slice(0, 20).join(', ')}`, {
      status: 404,
      details: { clientIds: unknown.slice(0, 100).map(String) },
    });
}

export interface StatementRunResult {
  from: string;
  to: string;
  clients: number;
  issued: number;
  skipped: number;
  failed: { clientId: string; error: string }[];
  emailed: number;
}

const runSchema = z.object({
  from: z.unknown().optional(),
  to: z.unknown().optional(),
  clientIds: z
    .array(z.union([z.string().regex(/^\d+$/, { error: 'must be client ids' }), z.number().int().positive()]).transform(Number), {
      error: 'must be a list of client ids',
    })
    .optional(),
});

/** Runs `count` tasks with at most `limit` at once; a task's failure is its own to handle. */
async function inParallel(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, count)) }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  });
  await Promise.all(lanes);
}

/**
 * SPEC 7 "statements": issues the statements of a period (default: the month before `today`)
 * for the clients named, or every client with reserve activity. Chunks of clients are loaded
 * set-based and processed with bounded concurrency; statements stored before are skipped (a
 * rerun or a retried job issues nothing twice); a client that fails is recorded and the others
 * go on.
 */
export async function runStatements(
  database: Database,
  input: { from?: unknown; to?: unknown; clientIds?: unknown },
  by: Actor,
  options: {
    today?: string;
    chunkSize?: number;
    concurrency?: number;
    jobRunId?: number | null;
    render?: Renderer;
    onProgress?: (done: number, total: number, result: StatementRunResult) => Promise<void> | void;
  } = {},
): Promise<StatementRunResult> {
  requirePermission(by, 'statement.run');
  const today = options.today ?? todayIn();
  const data = parseInput(runSchema, input);
  const period = data.from === undefined && data.to === undefined ? previousMonth(today) : parsePeriod({ from: data.from, to: data.to }, today);
  let clientIds = data.clientIds ?? (await clientsWithReserveActivity(database, period));
  if (data.clientIds) {
    await assertClientsExist(database, clientIds);
    clientIds = [...new Set(clientIds)];
  }
  const result: StatementRunResult = { from: period.from, to: period.to, clients: clientIds.length, issued: 0, skipped: 0, failed: [], emailed: 0 };
  const done = await database.sql<{ client_id: string }[]>`
    select client_id from statements where period_from = ${period.from}::date and period_to = ${period.to}::date and client_id = any(${clientIds}::bigint[])`;
  const doneSet = new Set(done.map((d) => Number(d.client_id)));
  const todo = clientIds.filter((id) => !doneSet.has(id));
  result.skipped = clientIds.length - todo.length;
  const factor = await factorName(database);
  const render = options.render ?? renderStatementPdf;
  const chunkSize = Math.max(1, options.chunkSize ?? 100);
  const chunks: number[][] = [];
  for (let i = 0; i < todo.length; i += chunkSize) chunks.push(todo.slice(i, i + chunkSize));
  let processed = result.skipped;
  const fail = (clientId: number, error: unknown) =>
    result.failed.push({ clientId: String(clientId), error: error instanceof Error ? error.message : String(error) });
  await options.onProgress?.(processed, clientIds.length, result);

  await inParallel(chunks.length, options.concurrency ?? 3, async (index) => {
    const chunk = chunks[index]!;
    const rendered: RenderedStatement[] = [];
    try {
      const loaded = await loadStatementData(database, chunk, period);
      for (const clientId of chunk) {
        const clientData = loaded.get(clientId);
        try {
          if (!clientData) throw notFound('Client', clientId);
          rendered.push(await renderOne(clientData, period, factor, render));
        } catch (error) {
          fail(clientId, error);
        }
      }
      try {
        const { stored, emailed } = await database.transaction((tx) => storeStatements(tx, rendered, by, options.jobRunId ?? null));
        result.issued += stored.size;
        result.skipped += rendered.length - stored.size;
        result.emailed += emailed;
      } catch {
        // One bad row must not cost the chunk: store them one by one, recording who failed.
        for (const r of rendered) {
          try {
            const { stored, emailed } = await database.transaction((tx) => storeStatements(tx, [r], by, options.jobRunId ?? null));
            result.issued += stored.size;
            result.skipped += 1 - stored.size;
            result.emailed += emailed;
          } catch (error) {
            fail(r.clientId, error);
          }
        }
      }
    } catch (error) {
      // The chunk's data could not be loaded: every client not rendered yet is recorded as failed.
      const seen = new Set(rendered.map((r) => r.clientId));
      for (const clientId of chunk) if (!seen.has(clientId) && !result.failed.some((f) => f.clientId === String(clientId))) fail(clientId, error);
    }
    processed += chunk.length;
    await options.onProgress?.(processed, clientIds.length, result);
  });

  result.failed.sort((a, b) => Number(a.clientId) - Number(b.clientId));
  await database.transaction((tx) =>
    recordAudit(tx, by, {
      action: 'statement.run',
      targetType: 'statements',
      targetId: `${period.from}..${period.to}`,
      after: { ...result, failed: result.failed.slice(0, 100), failedCount: result.failed.length },
    }),
  );
  return result;
}

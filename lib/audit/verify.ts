import type { Database, RawSql } from '../../db/client';
import { requireRole, type Actor } from '../auth/actor';
import { recordAudit } from './index';
import { GENESIS_HASH, eventHash } from './hash';

export interface Break {
  kind: 'audit_chain' | 'audit_hash' | 'unbalanced_entry' | 'entry_without_lines' | 'account_balance' | 'currency_mismatch' | 'missing_guard' | 'invoice_outstanding' | 'fee_accrued';
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  auditEvents: number;
  entries: number;
  lines: number;
  accounts: number;
  breaks: Break[];
}

type EventRow = {
  id: string;
  occurred_at: string;
  actor_user_id: string | null;
  actor: string;
  role: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  source: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
};

export interface ChainPoint {
  /** the id of the last event checked ('0' before the first) */
  lastId: string;
  /** its hash (the genesis hash before the first) */
  lastHash: string;
}

/**
 * Walks the audit chain in id order, in pages, recomputing every hash — from the start, or
 * from a point already checked (`from`), so a long chain can be followed as it grows.
 */
export async function verifyAuditChain(sql: RawSql, breaks: Break[], options: { pageSize?: number; from?: ChainPoint } = {}): Promise<number> {
  return (await followAuditChain(sql, breaks, options)).count;
}

export async function followAuditChain(sql: RawSql, breaks: Break[], options: { pageSize?: number; from?: ChainPoint } = {}): Promise<ChainPoint & { count: number }> {
  const pageSize = options.pageSize ?? 5000;
  let prev = options.from?.lastHash ?? GENESIS_HASH;
  let lastId = options.from?.lastId ?? '0';
  let count = 0;
  for (;;) {
    const rows = await sql<EventRow[]>`
      select id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
             actor_user_id, actor, role, action, target_type, target_id, before, after, request_id, source, ip, prev_hash, hash
        from audit_events where id > ${lastId} order by id limit ${pageSize}`;
    if (rows.length === 0) break;
    for (const r of rows) {
      count += 1;
      if (r.prev_hash !== prev) {
        breaks.push({
          kind: 'audit_chain',
          message: `audit event ${r.id}: its prev_hash ${r.prev_hash.slice(0, 12)}… does not match the hash of the event before it (${prev.slice(0, 12)}…): an event was removed, inserted or reordered`,
        });
      }
      const computed = eventHash(r.prev_hash, {
        occurredAt: r.occurred_at,
        actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
        actor: r.actor,
        role: r.role,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
        source: r.source,
        ip: r.ip,
      });
      if (computed !== r.hash) {
        breaks.push({
          kind: 'audit_hash',
          message: `audit event ${r.id} (${r.action} on ${r.target_type} ${r.target_id ?? ''}): its content does not match its hash — the row was changed after it was written`,
        });
      }
      prev = r.hash;
      lastId = r.id;
    }
  }
  return { count, lastId, lastHash: prev };
}

const GUARDS = [
  ['journal_entries', 'journal_entries_append_only'],
  ['journal_entries', 'journal_entries_no_truncate'],
  ['journal_lines', 'journal_lines_append_only'],
  ['journal_lines', 'journal_lines_no_truncate'],
  ['journal_lines', 'journal_lines_balanced'],
  ['audit_events', 'audit_events_append_only'],
  ['audit_events', 'audit_events_no_truncate'],
  ['journal_entries', 'journal_entries_references'],
  ['ledger_accounts', 'ledger_accounts_keep'],
  ['clients', 'clients_keep'],
  ['invoices', 'invoices_keep'],
  ['users', 'users_keep'],
] as const;

/** The ledger's invariants (SPEC 3), each as one set-based query. */
export async function verifyLedger(sql: RawSql, breaks: Break[]): Promise<{ entries: number; lines: number; accounts: number }> {
  const unbalanced = await sql<{ entry_id: string; currency: string; total: string }[]>`
    select entry_id, currency, sum(amount) as total from journal_lines group by entry_id, currency having sum(amount) <> 0
     order by entry_id limit 100`;
  for (const u of unbalanced) {
    breaks.push({ kind: 'unbalanced_entry', message: `journal entry ${u.entry_id} does not balance in ${u.currency}: its lines sum to ${u.total}` });
  }
  const empty = await sql<{ id: string }[]>`
    select e.id from journal_entries e left join (select distinct entry_id from journal_lines) l on l.entry_id = e.id
     where l.entry_id is null order by e.id limit 100`;
  for (const e of empty) breaks.push({ kind: 'entry_without_lines', message: `journal entry ${e.id} has no lines` });
  const mismatched = await sql<{ id: string; code: string; currency: string; client_id: string | null; balance: string; total: string }[]>`
    select a.id, a.code, a.currency, a.client_id, a.balance, coalesce(s.total, 0) as total
      from ledger_accounts a
      left join (select account_id, sum(amount) as total from journal_lines group by account_id) s on s.account_id = a.id
     where a.balance <> coalesce(s.total, 0) order by a.id limit 100`;
  for (const m of mismatched) {
    breaks.push({
      kind: 'account_balance',
      message: `account ${m.id} (${m.code} ${m.currency}${m.client_id ? ` client ${m.client_id}` : ''}): stored balance ${m.balance} but its lines sum to ${m.total}`,
    });
  }
  const currency = await sql<{ id: string; entry_id: string }[]>`
    select l.id, l.entry_id from journal_lines l join ledger_accounts a on a.id = l.account_id where a.currency <> l.currency limit 100`;
  for (const c of currency) breaks.push({ kind: 'currency_mismatch', message: `journal line ${c.id} of entry ${c.entry_id} is not in its account's currency` });
  const drift = await sql<{ id: string; number: string; outstanding: string; ledger: string }[]>`
    select i.id, i.number, i.outstanding, coalesce(r.total, 0) as ledger
      from invoices i
      left join (select l.invoice_id, sum(l.amount) as total from journal_lines l
                   join ledger_accounts a on a.id = l.account_id and a.code = 'receivable'
                  where l.invoice_id is not null group by l.invoice_id) r on r.invoice_id = i.id
     where i.funding_date is not null and i.outstanding is distinct from coalesce(r.total, 0)
     order by i.id limit 100`;
  for (const d of drift) {
    breaks.push({ kind: 'invoice_outstanding', message: `invoice ${d.id} (${d.number}): outstanding ${d.outstanding} but its receivable lines sum to ${d.ledger}` });
  }
  const accruals = await sql<{ invoice_id: string; accrued: string; ledger: string }[]>`
    select f.invoice_id, f.accrued, coalesce(s.total, 0) as ledger
      from fee_accruals f
      left join (select l.invoice_id, sum(l.amount) as total from journal_lines l
                   join ledger_accounts a on a.id = l.account_id and a.code = 'fees_receivable'
                   join journal_entries e on e.id = l.entry_id and e.kind = 'accrual'
                  where l.invoice_id is not null group by l.invoice_id) s on s.invoice_id = f.invoice_id
     where (f.frozen_on is not null or f.credited) and f.accrued <> coalesce(s.total, 0) order by f.invoice_id limit 100`;
  for (const a of accruals) {
    breaks.push({ kind: 'fee_accrued', message: `invoice ${a.invoice_id}: accrued fee ${a.accrued} but its accrual lines sum to ${a.ledger}` });
  }
  const triggers = await sql<{ tgname: string }[]>`select tgname from pg_trigger where not tgisinternal and tgenabled <> 'D'`;
  const present = new Set(triggers.map((t) => t.tgname));
  for (const [table, name] of GUARDS) {
    if (!present.has(name)) breaks.push({ kind: 'missing_guard', message: `trigger ${name} on ${table} is missing or disabled: the table is no longer append-only` });
  }
  const [counts] = await sql<{ entries: string; lines: string; accounts: string }[]>`
    select (select count(*) from journal_entries) as entries, (select count(*) from journal_lines) as lines,
           (select count(*) from ledger_accounts) as accounts`;
  return { entries: Number(counts!.entries), lines: Number(counts!.lines), accounts: Number(counts!.accounts) };
}

export async function verifyAll(sql: RawSql): Promise<VerifyReport> {
  const breaks: Break[] = [];
  const auditEvents = await verifyAuditChain(sql, breaks);
  const ledger = await verifyLedger(sql, breaks);
  return { ok: breaks.length === 0, auditEvents, ...ledger, breaks };
}

/** On demand from the console (admins, controllers, auditors): the same checks as audit:verify. */
export async function verifyOnDemand(database: Database, actor: Actor): Promise<VerifyReport> {
  requireRole(actor, ['admin', 'controller', 'auditor']);
  const report = await verifyAll(database.sql);
  await database.transaction((tx) =>
    recordAudit(tx, actor, { action: 'audit.verify', targetType: 'audit_log', after: { ok: report.ok, events: report.auditEvents, entries: report.entries, breaks: report.breaks.length } }),
  );
  return report;
}

import { z } from 'zod';
import type { Database, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, requireRole, type Actor } from '../auth/actor';
import { assertBusinessDateInWindow, isBusinessDate, parseBusinessDate } from '../dates';
import { DomainError, notFound, refused } from '../errors';
import { postEntries, type EntryInput, type LineInput } from '../ledger/post';
import { Big, ZERO, formatMoney, moneyOut, parseMoney } from '../money';
import { queueEmails, type QueuedEmail } from '../notifications/outbox';
import { recipientsFor } from '../notifications/preferences';
import type { ClientContact } from '../../db/schema/clients';
import { toCsv } from '../csv';
import { parseInput } from '../validation';
import { computeReleasable, drawPlan, isReleaseDue, type BreakdownLine, type Releasable, type ReleaseState } from './releasable';
import { groupedState, loadReleaseStates } from './state';

export const CYCLE_ROLES = ['controller', 'approver', 'admin'] as const;
export const APPROVER_ROLES = ['approver', 'controller'] as const;

export interface ReserveBalance {
  currency: string;
  held: string;
  releasable: string;
  feesDue: string;
  clientDue: string;
  onOpenInvoices: string;
  eligible: string;
  holdbacks: string;
  /** an open proposal waiting for approval, already counted against `releasable` */
  pendingApproval?: string;
  breakdown: BreakdownLine[];
}

function balanceView(r: Releasable): ReserveBalance {
  const c = r.currency;
  return {
    currency: c,
    held: formatMoney(r.held, c),
    releasable: formatMoney(r.releasable, c),
    feesDue: formatMoney(r.feesDue, c),
    clientDue: formatMoney(r.clientDue, c),
    onOpenInvoices: formatMoney(r.onOpenInvoices, c),
    eligible: formatMoney(r.eligible, c),
    holdbacks: formatMoney(r.holdbacks, c),
    breakdown: r.lines,
  };
}

/**
 * API.md GET /clients/{id}/reserve?asOf — the reserve as it was on asOf, and what a cycle on
 * asOf, run now, would release: never more than the reserve still holds whatever the dates
 * (a later release or chargeback may have used it since) and net of proposals still waiting
 * for approval (SPEC 5.3: releases pending or approved count against what is releasable).
 */
export async function reserveReport(tx: Tx, clientId: number, asOf: string, actor: Actor): Promise<{ clientId: string; asOf: string; balances: ReserveBalance[]; releaseMode: string; riskScore: number | null }> {
  assertClientScope(actor, clientId);
  const date = parseBusinessDate(asOf, 'asOf');
  const [client] = await tx.sql`select id from clients where id = ${clientId}`;
  if (!client) throw notFound('Client', clientId);
  const ctx = (await loadReleaseStates(tx, [clientId], date, { detail: true })).get(clientId);
  const now = (await loadReleaseStates(tx, [clientId], date, { detail: false, money: 'current' })).get(clientId);
  const pending = await openProposals(tx, [clientId]);
  return {
    clientId: String(clientId),
    asOf: date,
    balances: (ctx?.states ?? []).map((s) => {
      const asThen = computeReleasable(s);
      const nowState = now?.states.find((n) => n.currency === s.currency);
      const decided = releasableNow(nowState ? computeReleasable(nowState).releasable : ZERO, asThen.releasable, s.currency, pending.get(`${clientId}|${s.currency}`));
      const view = balanceView({ ...asThen, releasable: decided.releasable, lines: [...asThen.lines, ...decided.lines] });
      return { ...view, pendingApproval: formatMoney(decided.pending, s.currency) };
    }),
    releaseMode: ctx?.tier?.release ?? 'automatic',
    riskScore: ctx?.terms.riskScore ?? null,
  };
}

/** Open proposals (pending approval) per client and currency, to count against what is releasable. */
async function openProposals(tx: Tx, clientIds: number[], exceptReleaseId?: number): Promise<Map<string, { id: number; amount: Big }>> {
  const rows = await tx.sql<{ id: string; client_id: string; currency: string; amount: string }[]>`
    select id, client_id, currency, amount from releases
     where client_id = any(${clientIds}::bigint[]) and status = 'pending_approval' and id <> ${exceptReleaseId ?? 0}`;
  return new Map(rows.map((r) => [`${r.client_id}|${r.currency}`, { id: Number(r.id), amount: new Big(r.amount) }]));
}

/**
 * What may be released now for a cycle dated in the past: the lesser of what was releasable
 * then and what the reserve holds for it now, less an open proposal — with the reasons as
 * breakdown lines. Never below zero.
 */
export function releasableNow(now: Big, asThen: Big, currency: string, pending?: { id: number; amount: Big }): { releasable: Big; pending: Big; lines: BreakdownLine[] } {
  const lines: BreakdownLine[] = [];
  let releasable = asThen;
  if (now.lt(releasable)) {
    lines.push({ kind: 'holdback', label: 'Released or drawn since that date (later releases, chargebacks, fees)', amount: formatMoney(releasable.minus(now).times(-1), currency) });
    releasable = now;
  }
  const pendingAmount = pending?.amount ?? ZERO;
  if (pendingAmount.gt(0)) {
    const counted = pendingAmount.lt(releasable) ? pendingAmount : releasable;
    lines.push({ kind: 'holdback', label: `Proposed in release ${pending!.id}, waiting for approval`, amount: formatMoney(counted.times(-1), currency) });
    releasable = releasable.minus(counted);
  }
  return { releasable: releasable.gt(0) ? releasable : ZERO, pending: pendingAmount, lines };
}

async function setting<T>(tx: Tx, key: string, fallback: T): Promise<T> {
  const [row] = await tx.sql<{ value: T }[]>`select value from settings where key = ${key}`;
  return row?.value ?? fallback;
}

/** SPEC 1: above this a controller must approve as well (settings `release.controller_threshold`). */
export async function controllerThreshold(tx: Tx): Promise<Big> {
  return new Big(await setting(tx, 'release.controller_threshold', '50000.00'));
}

export interface ReleaseView {
  id: string;
  cycleId: string;
  clientId: string;
  clientName: string;
  currency: string;
  asOf: string;
  amount: string;
  approvedAmount: string | null;
  status: string;
  releaseMode: string;
  needsController: boolean;
  firstApprovedBy: string | null;
  secondApprovedBy: string | null;
  reason: string | null;
  breakdown: { lines?: BreakdownLine[]; summary?: Record<string, string> };
}

type ReleaseRow = {
  id: string;
  cycle_id: string;
  client_id: string;
  client_name: string;
  currency: string;
  as_of: string;
  amount: string;
  approved_amount: string | null;
  status: string;
  release_mode: string;
  needs_controller: string;
  first_approved_by: string | null;
  second_approved_by: string | null;
  first_email: string | null;
  second_email: string | null;
  reason: string | null;
  breakdown: ReleaseView['breakdown'];
  created_by: string | null;
};

async function loadReleases(tx: Tx, filter: { id?: number; cycleId?: number; status?: string; limit?: number }): Promise<ReleaseRow[]> {
  return tx.sql<ReleaseRow[]>`
    select r.*, c.name as client_name, u1.email as first_email, u2.email as second_email
      from releases r join clients c on c.id = r.client_id
      left join users u1 on u1.id = r.first_approved_by left join users u2 on u2.id = r.second_approved_by
     where (${filter.id ?? null}::bigint is null or r.id = ${filter.id ?? null})
       and (${filter.cycleId ?? null}::bigint is null or r.cycle_id = ${filter.cycleId ?? null})
       and (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null})
     order by r.id desc limit ${filter.limit ?? 1000}`;
}

function releaseView(r: ReleaseRow): ReleaseView {
  return {
    id: r.id,
    cycleId: r.cycle_id,
    clientId: r.client_id,
    clientName: r.client_name,
    currency: r.currency,
    asOf: r.as_of,
    amount: moneyOut(r.amount, r.currency),
    approvedAmount: r.approved_amount === null ? null : moneyOut(r.approved_amount, r.currency),
    status: r.status,
    releaseMode: r.release_mode,
    needsController: r.needs_controller === 'yes',
    firstApprovedBy: r.first_email,
    secondApprovedBy: r.second_email,
    reason: r.reason,
    breakdown: r.breakdown,
  };
}

export async function getRelease(tx: Tx, id: number, actor: Actor): Promise<ReleaseView> {
  const [row] = await loadReleases(tx, { id });
  if (!row) throw notFound('Release', id);
  assertClientScope(actor, Number(row.client_id), 'Release');
  return releaseView(row);
}

export async function listReleases(tx: Tx, filter: { cycleId?: number; status?: string; limit?: number } = {}): Promise<ReleaseView[]> {
  return (await loadReleases(tx, filter)).map(releaseView);
}

interface ReleaseToPay {
  id: number;
  clientId: number;
  currency: string;
  asOf: string;
  amount: Big;
  /** the client's reserve in this currency as of asOf, with every source the release may draw on */
  state: ReleaseState | undefined;
}

/**
 * Posts and pays releases (SPEC 5.3) — one, or every auto-approved release of a cycle's chunk
 * in one set of statements: Dr reserve (drawn from the eligible invoices and tranches, oldest
 * first) for the amount and its offsets; Cr fees_receivable and client_due for the offsets;
 * Cr client_payable for the amount — then the payout, Dr client_payable, Cr cash — and queues
 * the rebate advice to each client's contacts (once per release and address).
 */
async function postReleases(tx: Tx, releases: ReleaseToPay[], by: Actor): Promise<void> {
  if (releases.length === 0) return;
  const entries: EntryInput[] = [];
  const advices: { release: ReleaseToPay; result: Releasable; plan: ReturnType<typeof drawPlan>; state: ReleaseState }[] = [];
  for (const release of releases) {
    const { state, amount } = release;
    if (!state) throw refused('nothing_releasable', 'There is no reserve in this currency to release');
    const result = computeReleasable(state);
    if (amount.gt(result.releasable)) {
      throw new DomainError('exceeds_releasable', `Only ${formatMoney(result.releasable, release.currency)} ${release.currency} is releasable now`, { status: 409, details: { releasable: formatMoney(result.releasable, release.currency) } });
    }
    const c = release.currency;
    const plan = drawPlan(state, result, amount);
    const tag = { currency: c, clientId: release.clientId };
    const lines: LineInput[] = plan.map((p) => ({
      account: 'reserve' as const,
      ...tag,
      amount: p.amount,
      invoiceId: p.kind === 'invoice' ? Number(p.sourceId) : null,
      trancheId: p.kind === 'tranche' ? Number(p.sourceId) : null,
    }));
    if (result.offsets.fees.gt(0)) lines.push({ account: 'fees_receivable', ...tag, amount: result.offsets.fees.times(-1) });
    if (result.offsets.clientDue.gt(0)) lines.push({ account: 'client_due', ...tag, amount: result.offsets.clientDue.times(-1) });
    if (amount.gt(0)) lines.push({ account: 'client_payable', ...tag, amount: amount.times(-1) });
    entries.push({ effectiveDate: release.asOf, kind: 'release', idempotencyKey: `release:${release.id}`, clientId: release.clientId, releaseId: release.id, memo: `Reserve release ${release.id}`, lines });
    if (amount.gt(0)) {
      entries.push({
        effectiveDate: release.asOf,
        kind: 'payout',
        idempotencyKey: `payout:${release.id}`,
        clientId: release.clientId,
        releaseId: release.id,
        memo: `Rebate paid for release ${release.id}`,
        lines: [
          { account: 'client_payable', ...tag, amount },
          { account: 'cash', currency: c, amount: amount.times(-1) },
        ],
      });
    }
    advices.push({ release, result, plan, state });
  }
  const posted = await postEntries(tx, entries, by);
  const entryOf = new Map(posted.map((p) => [p.idempotencyKey, p.id]));
  await tx.sql`
    update releases r set status = 'paid', approved_amount = u.amount, entry_id = u.entry_id, paid_at = now()
      from unnest(${releases.map((r) => r.id)}::bigint[], ${releases.map((r) => r.amount.toString())}::numeric[], ${releases.map((r) => entryOf.get(`release:${r.id}`)!)}::bigint[]) as u(id, amount, entry_id)
     where r.id = u.id`;
  // The rebate advice, to every contact of the client who wants it (once per release and address).
  const clients = await tx.sql<{ id: string; name: string; contacts: ClientContact[] }[]>`
    select id, name, contacts from clients where id = any(${[...new Set(releases.map((r) => r.clientId))]}::bigint[])`;
  const clientById = new Map(clients.map((k) => [Number(k.id), k]));
  const emails: QueuedEmail<'rebate_advice'>[] = [];
  for (const { release, result, plan, state } of advices) {
    const client = clientById.get(release.clientId);
    const recipients = recipientsFor(client?.contacts, 'rebates');
    if (!client || recipients.length === 0) continue;
    const c = release.currency;
    const labels = new Map(state.sources.map((s) => [`${s.kind}:${s.id}`, s.label]));
    const sources = plan.map((p) => ({ label: labels.get(`${p.kind}:${p.sourceId}`) ?? 'Reserve', amount: formatMoney(p.amount, c) }));
    const offsets = [
      ...(result.offsets.fees.gt(0) ? [{ label: 'Fees not covered at settlement', amount: formatMoney(result.offsets.fees, c) }] : []),
      ...(result.offsets.clientDue.gt(0) ? [{ label: 'Chargebacks owed', amount: formatMoney(result.offsets.clientDue, c) }] : []),
    ];
    const heldAfter = result.held.minus(plan.reduce((t, p) => t.plus(p.amount), ZERO));
    const data = { clientName: client.name, releaseId: String(release.id), date: release.asOf, currency: c, amount: formatMoney(release.amount, c), sources, offsets, held: formatMoney(heldAfter, c) };
    for (const contact of recipients) {
      emails.push({ to: contact.email, template: 'rebate_advice', data, dedupeKey: `rebate:${release.id}:${contact.email}`, clientId: release.clientId });
    }
  }
  await queueEmails(tx, emails);
}

export interface CycleView {
  id: string;
  asOf: string;
  kind: string;
  status: string;
  releases: { id: string; clientId: string; currency: string; amount: string; status: string }[];
  /** clients and currencies left out because a proposal of theirs still waits for approval */
  skipped: { clientId: string; currency: string; reason: 'open_proposal'; releaseId: string }[];
}

const cycleInput = z.object({
  asOf: z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }),
  clientIds: z
    .array(z.union([z.string().regex(/^[1-9]\d{0,15}$/, { error: 'must be a client id' }), z.number().int().positive()]).transform(Number), { error: 'must be a list of client ids' })
    .max(100_000)
    .optional(),
});

/** A cycle whose run stopped touching its heartbeat this long ago has crashed. */
export const CYCLE_STALE_MINUTES = 10;

type Skipped = CycleView['skipped'][number];

/**
 * A release cycle (SPEC 5.3, 7): for every client due on `asOf` (or the ones named), each
 * currency's releasable amount is proposed as one release — unique per client, currency and
 * date, so running it twice or on two workers proposes nothing twice, and at most one proposal
 * per client and currency is open at a time. Releases within the client's auto-approve limit and
 * an automatic risk tier are approved, posted and paid at once; the rest wait for approval.
 * Clients are processed in chunks, one short transaction each (a request never holds one
 * connection while waiting for another); a crash leaves the cycle `failed` (or, if the process
 * died, stale) and resuming it proposes the rest exactly once.
 */
export async function runReleaseCycle(
  database: Database,
  input: { asOf: unknown; clientIds?: unknown },
  by: Actor,
  options: {
    kind?: 'scheduled' | 'ad_hoc';
    chunkSize?: number;
    onProgress?: (done: number, total: number) => Promise<void> | void;
    /** resume this failed (or stale) cycle instead of starting a new one */
    resumeCycleId?: number;
    /** told the cycle's id as soon as it exists (a job keeps it, so its retry resumes the same cycle) */
    onCycle?: (cycleId: number) => Promise<void> | void;
    /** test hook: runs after each committed chunk (a crash test kills the run here) */
    afterChunk?: (done: number, total: number) => Promise<void> | void;
  } = {},
): Promise<CycleView> {
  requireRole(by, CYCLE_ROLES);
  const data = parseInput(cycleInput, input);
  const asOf = data.asOf;
  // A cycle releases what is settled: on today or an earlier date, within the business-date window.
  assertBusinessDateInWindow(asOf, 'As of', 'happened', { field: 'asOf' });
  let clientIds: number[];
  if (data.clientIds) {
    clientIds = [...new Set(data.clientIds)];
    const found = await database.sql<{ id: string }[]>`select id from clients where id = any(${clientIds}::bigint[])`;
    if (found.length !== clientIds.length) {
      const known = new Set(found.map((f) => Number(f.id)));
      const missing = clientIds.filter((id) => !known.has(id));
      throw new DomainError('unknown_clients', `No client ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}: nothing was run`, {
        status: 422,
        details: { clientIds: `unknown: ${missing.slice(0, 20).join(', ')}` },
      });
    }
  } else {
    clientIds = await clientsDue(database, asOf);
  }
  let cycleId: number;
  if (options.resumeCycleId !== undefined) {
    const [resumed] = await database.sql<{ id: string }[]>`
      update release_cycles set status = 'running', heartbeat_at = now(), error = null, finished_at = null, clients_done = 0, clients_due = ${clientIds.length}
       where id = ${options.resumeCycleId} and as_of = ${asOf} and status <> 'completed' returning id`;
    if (!resumed) throw new DomainError('not_resumable', `Release cycle ${options.resumeCycleId} is finished or is not for ${asOf}`, { status: 409 });
    cycleId = Number(resumed.id);
  } else {
    const [cycle] = await database.sql<{ id: string }[]>`
      insert into release_cycles (as_of, kind, clients_due, created_by, created_by_label, requested_client_ids, heartbeat_at)
      values (${asOf}, ${options.kind ?? 'ad_hoc'}, ${clientIds.length}, ${by.userId}, ${by.label},
              ${data.clientIds ? JSON.stringify(clientIds) : null}::jsonb, now()) returning id`;
    cycleId = Number(cycle!.id);
  }
  await options.onCycle?.(cycleId);
  const chunkSize = options.chunkSize ?? 2000;
  const skipped: Skipped[] = [];
  try {
    for (let i = 0; i < clientIds.length; i += chunkSize) {
      const chunk = clientIds.slice(i, i + chunkSize);
      skipped.push(
        ...(await database.transaction(async (tx) => {
          const left = await proposeChunk(tx, cycleId, asOf, chunk, by);
          await tx.sql`update release_cycles set clients_done = clients_done + ${chunk.length}, heartbeat_at = now() where id = ${cycleId}`;
          return left;
        })),
      );
      const done = Math.min(i + chunkSize, clientIds.length);
      await options.onProgress?.(done, clientIds.length);
      await options.afterChunk?.(done, clientIds.length);
    }
  } catch (error) {
    const message = error instanceof DomainError ? error.message : `The run failed (${error instanceof Error ? error.message : String(error)}); resume it to finish`;
    await database.sql`update release_cycles set status = 'failed', error = ${message.slice(0, 2000)}, finished_at = now() where id = ${cycleId}`.catch((markError: unknown) => {
      console.error(`release cycle ${cycleId}: could not mark it failed`, markError);
    });
    throw error;
  }
  const releases = await database.sql<{ id: string; client_id: string; currency: string; amount: string; status: string }[]>`
    select id, client_id, currency, amount, status from releases
     where as_of = ${asOf} and client_id = any(${clientIds}::bigint[]) order by client_id, currency`;
  const totals = {
    proposed: releases.length,
    paid: releases.filter((r) => r.status === 'paid').length,
    pending: releases.filter((r) => r.status === 'pending_approval').length,
    waitingOnOpenProposal: skipped.length,
  };
  await database.transaction(async (tx) => {
    await tx.sql`update release_cycles set status = 'completed', finished_at = now(), heartbeat_at = now(), error = null, totals = ${JSON.stringify(totals)}::jsonb where id = ${cycleId}`;
    await recordAudit(tx, by, { action: options.resumeCycleId !== undefined ? 'release.cycle_resume' : 'release.cycle', targetType: 'release_cycle', targetId: cycleId, after: { asOf, clients: clientIds.length, ...totals } });
  });
  return {
    id: String(cycleId),
    asOf,
    kind: options.kind ?? 'ad_hoc',
    status: 'completed',
    releases: releases.map((r) => ({ id: r.id, clientId: r.client_id, currency: r.currency, amount: moneyOut(r.amount, r.currency), status: r.status })),
    skipped: skipped.slice(0, 1000),
  };
}

/** Resumes a failed (or stale) cycle: the same date and clients; what it proposed stays, the rest is proposed once. */
export async function resumeReleaseCycle(database: Database, cycleId: number, by: Actor, options: { onProgress?: (done: number, total: number) => Promise<void> | void } = {}): Promise<CycleView> {
  requireRole(by, CYCLE_ROLES);
  const [cycle] = await database.sql<{ as_of: string; kind: 'scheduled' | 'ad_hoc'; status: string; requested_client_ids: number[] | null; stale: boolean }[]>`
    select as_of, kind, status, requested_client_ids,
           (status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES})) as stale
      from release_cycles where id = ${cycleId}`;
  if (!cycle) throw notFound('Release cycle', cycleId);
  if (cycle.status === 'completed') throw new DomainError('not_resumable', `Release cycle ${cycleId} has finished; there is nothing to resume`, { status: 409 });
  if (cycle.status === 'running' && !cycle.stale) throw new DomainError('still_running', `Release cycle ${cycleId} is still running`, { status: 409 });
  return runReleaseCycle(database, { asOf: cycle.as_of, clientIds: cycle.requested_client_ids ?? undefined }, by, { ...options, kind: cycle.kind, resumeCycleId: cycleId });
}

/** Cycles left `running` by a process that died (no heartbeat for a while) are marked failed, to be resumed. */
export async function markStaleCycles(database: Database | Tx): Promise<number> {
  const rows = await database.sql`
    update release_cycles set status = 'failed', finished_at = now(),
           error = ${`The run stopped without finishing (no progress for ${CYCLE_STALE_MINUTES} minutes); resume it to propose the rest`}
     where status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES})
     returning id`;
  return rows.length;
}

/** The clients whose cadence falls due on `asOf` (SPEC 2 release schedule), active or suspended. */
async function clientsDue(database: Database, asOf: string): Promise<number[]> {
  const rows = await database.sql<{ id: string; schedule: { cadence: 'weekly' | 'biweekly' | 'monthly' | 'on_collection'; anchorDate: string } | null }[]>`
    select c.id, a.terms->'releaseSchedule' as schedule
      from clients c
      left join lateral (select terms from agreements a where a.client_id = c.id and a.status = 'approved' and a.effective_from <= ${asOf}::date
                          order by a.effective_from desc, a.version desc limit 1) a on true
     where c.status in ('active', 'suspended')`;
  return rows.filter((r) => isReleaseDue(r.schedule ?? { cadence: 'biweekly', anchorDate: '2026-01-02' }, asOf)).map((r) => Number(r.id));
}

async function proposeChunk(tx: Tx, cycleId: number, asOf: string, clientIds: number[], by: Actor): Promise<Skipped[]> {
  // Skip what an earlier (crashed or racing) run of this date proposed already.
  const done = await tx.sql<{ client_id: string }[]>`select distinct client_id from releases where as_of = ${asOf} and client_id = any(${clientIds}::bigint[])`;
  const doneSet = new Set(done.map((d) => Number(d.client_id)));
  const todo = clientIds.filter((id) => !doneSet.has(id));
  if (todo.length === 0) return [];
  await tx.sql`select id from clients where id = any(${todo}::bigint[]) order by id for update`;
  // Set-based reads over thousands of clients: JIT costs more than it saves; sorts fit in memory.
  await tx.sql`set local jit = off`;
  await tx.sql`set local work_mem = '64MB'`;
  // One read, under the clients' locks, serves both the proposals and the postings: eligibility
  // as of the cycle's date, money as it is now (issue 11: whatever the dates, never twice).
  const contexts = await loadReleaseStates(tx, todo, asOf, { detail: 'drawable', money: 'current' });
  const open = await openProposals(tx, todo);
  const threshold = await controllerThreshold(tx);
  const rows: { clientId: number; currency: string; amount: Big; status: string; mode: string; needsController: boolean; breakdown: object }[] = [];
  const skipped: Skipped[] = [];
  const stateOf = new Map<string, ReleaseState>();
  for (const ctx of contexts.values()) {
    for (const state of ctx.states) {
      const r = computeReleasable(groupedState(state));
      if (r.held.eq(0) && r.releasable.eq(0)) continue;
      const waiting = open.get(`${ctx.clientId}|${state.currency}`);
      if (waiting) {
        // SPEC 5.3: at most one open proposal per client and currency; the open one counts the reserve already.
        skipped.push({ clientId: String(ctx.clientId), currency: state.currency, reason: 'open_proposal', releaseId: String(waiting.id) });
        continue;
      }
      const mode = ctx.tier?.release ?? 'automatic';
      const auto = mode === 'automatic' && r.releasable.gt(0) && r.releasable.lte(new Big(ctx.terms.releaseAutoApproveUpTo ?? '0'));
      stateOf.set(`${ctx.clientId}|${state.currency}`, state);
      rows.push({
        clientId: ctx.clientId,
        currency: state.currency,
        amount: r.releasable,
        status: r.releasable.eq(0) ? 'nothing_due' : auto ? 'approved' : 'pending_approval',
        mode,
        needsController: r.releasable.gt(threshold),
        breakdown: { summary: { held: formatMoney(r.held, state.currency), eligible: formatMoney(r.eligible, state.currency), feesDue: formatMoney(r.feesDue, state.currency), clientDue: formatMoney(r.clientDue, state.currency), holdbacks: formatMoney(r.holdbacks, state.currency), onOpenInvoices: formatMoney(r.onOpenInvoices, state.currency) }, lines: r.lines.slice(0, 50) },
      });
    }
  }
  if (rows.length === 0) return skipped;
  // "on conflict do nothing": the same client, currency and date proposed by a racing run, or an
  // open proposal committed meanwhile (the partial unique index) — either way not twice.
  const inserted = await tx.sql<{ id: string; client_id: string; currency: string; status: string; amount: string }[]>`
    insert into releases (cycle_id, client_id, currency, as_of, amount, status, release_mode, needs_controller, breakdown, created_by)
    select ${cycleId}, c, cur, ${asOf}::date, a, s, m, nc, b::jsonb, ${by.userId}::bigint
      from unnest(${rows.map((r) => r.clientId)}::bigint[], ${rows.map((r) => r.currency)}::text[], ${rows.map((r) => r.amount.toString())}::numeric[],
                  ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.mode)}::text[], ${rows.map((r) => (r.needsController ? 'yes' : 'no'))}::text[],
                  ${rows.map((r) => JSON.stringify(r.breakdown))}::text[]) as t(c, cur, a, s, m, nc, b)
    on conflict do nothing
    returning id, client_id, currency, status, amount`;
  // Every auto-approved release of the chunk posted, paid and advised together.
  await postReleases(
    tx,
    inserted
      .filter((r) => r.status === 'approved')
      .map((r) => ({ id: Number(r.id), clientId: Number(r.client_id), currency: r.currency, asOf, amount: new Big(r.amount), state: stateOf.get(`${r.client_id}|${r.currency}`) })),
    by,
  );
  await recordAudit(
    tx,
    by,
    inserted.map((r) => ({ action: r.status === 'approved' ? 'release.auto_approve' : 'release.propose', targetType: 'release', targetId: r.id, after: { clientId: r.client_id, currency: r.currency, amount: moneyOut(r.amount, r.currency), status: r.status === 'approved' ? 'paid' : r.status } })),
  );
  return skipped;
}

/**
 * Locks a release for a decision, in the order every command that moves a client's reserve uses:
 * the client first, then the release.
 */
async function lockRelease(tx: Tx, releaseId: number): Promise<ReleaseRow> {
  const [peek] = await tx.sql<{ client_id: string }[]>`select client_id from releases where id = ${releaseId}`;
  if (!peek) throw notFound('Release', releaseId);
  await tx.sql`select id from clients where id = ${peek.client_id} for update`;
  const [row] = await tx.sql<ReleaseRow[]>`select r.*, '' as client_name from releases r where r.id = ${releaseId} for update`;
  return row!;
}

/**
 * Approves a proposed release (maker ≠ checker: not by whoever ran the cycle — 403). Above the
 * controller threshold a second approval by a controller (another person) is needed. An amount
 * below the proposal releases part; the rest stays for the next cycle. Each approval re-checks
 * the amount against the client's whole current reserve under the client's lock, whatever the
 * dates (issue 11), and the final one posts and pays it at once.
 */
export async function approveRelease(tx: Tx, releaseId: number, input: { amount?: unknown }, actor: Actor): Promise<ReleaseView> {
  requireRole(actor, APPROVER_ROLES);
  const row = await lockRelease(tx, releaseId);
  if (row.status !== 'pending_approval') throw new DomainError('already_decided', `Release ${releaseId} is ${row.status.replace('_', ' ')}`, { status: 409 });
  if (actor.userId !== null && row.created_by !== null && Number(row.created_by) === actor.userId) {
    throw new DomainError('maker_checker', 'You ran the cycle that proposed this release, so someone else must approve it', { status: 403 });
  }
  if (actor.userId !== null && row.first_approved_by !== null && Number(row.first_approved_by) === actor.userId) {
    throw new DomainError('maker_checker', 'You approved this release already; the second approval must come from another person', { status: 403 });
  }
  const c = row.currency;
  // A second approval may lower the first one's amount, never raise it.
  const ceiling = row.first_approved_by !== null && row.approved_amount !== null ? new Big(row.approved_amount) : new Big(row.amount);
  const amount = input.amount === undefined ? ceiling : parseMoney(input.amount, c, { field: 'amount' });
  if (amount.lte(0) || amount.gt(ceiling)) {
    throw new DomainError('invalid_input', `The amount must be more than zero and at most the ${formatMoney(ceiling, c)} ${row.first_approved_by !== null ? 'already approved' : 'proposed'}`, { status: 400, details: { amount: 'out of range' } });
  }
  const clientId = Number(row.client_id);
  const ctx = (await loadReleaseStates(tx, [clientId], row.as_of, { detail: true, money: 'current' })).get(clientId);
  const state = ctx?.states.find((s) => s.currency === c);
  const releasable = state ? computeReleasable(state).releasable : ZERO;
  const threshold = await controllerThreshold(tx);
  const needsController = amount.gt(threshold);
  if (amount.gt(releasable)) {
    throw new DomainError('exceeds_releasable', `Only ${formatMoney(releasable, c)} ${c} of this client's reserve is releasable now (since the proposal, other releases, chargebacks or fees have used the rest); approve that amount in part or reject it`, {
      status: 409,
      details: { releasable: formatMoney(releasable, c), proposed: moneyOut(row.amount, c) },
    });
  }
  if (needsController && row.first_approved_by === null) {
    // First of two approvals: recorded; a controller (another person) completes it.
    await tx.sql`update releases set first_approved_by = ${actor.userId}, approved_amount = ${amount.toString()}, needs_controller = 'yes' where id = ${releaseId}`;
    await recordAudit(tx, actor, { action: 'release.first_approval', targetType: 'release', targetId: releaseId, after: { amount: formatMoney(amount, c), needs: 'a controller' } });
    return getRelease(tx, releaseId, actor);
  }
  if (needsController && actor.role !== 'controller' && actor.role !== 'system') {
    throw new DomainError('controller_required', `Releases above ${formatMoney(threshold, c)} ${c} need a controller's approval as well`, { status: 403 });
  }
  await tx.sql`update releases set ${row.first_approved_by !== null ? tx.sql`second_approved_by = ${actor.userId}` : tx.sql`first_approved_by = ${actor.userId}`}, decided_by = ${actor.userId}, status = 'approved' where id = ${releaseId}`;
  await postReleases(tx, [{ id: releaseId, clientId, currency: c, asOf: row.as_of, amount, state }], actor);
  await recordAudit(tx, actor, {
    action: 'release.approve',
    targetType: 'release',
    targetId: releaseId,
    before: { status: 'pending_approval', amount: moneyOut(row.amount, c) },
    after: { status: 'paid', approvedAmount: formatMoney(amount, c), partial: amount.lt(row.amount) },
  });
  return getRelease(tx, releaseId, actor);
}

export async function rejectRelease(tx: Tx, releaseId: number, input: { reason?: unknown }, actor: Actor): Promise<ReleaseView> {
  requireRole(actor, APPROVER_ROLES);
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (!reason) throw new DomainError('reason_required', 'A rejection needs a reason', { status: 400, details: { reason: 'is required' } });
  const row = await lockRelease(tx, releaseId);
  if (row.status !== 'pending_approval') throw new DomainError('already_decided', `Release ${releaseId} is ${row.status.replace('_', ' ')}`, { status: 409 });
  if (actor.userId !== null && row.created_by !== null && Number(row.created_by) === actor.userId) {
    throw new DomainError('maker_checker', 'You ran the cycle that proposed this release, so someone else must decide it', { status: 403 });
  }
  await tx.sql`update releases set status = 'rejected', reason = ${reason}, decided_by = ${actor.userId} where id = ${releaseId}`;
  await recordAudit(tx, actor, { action: 'release.reject', targetType: 'release', targetId: releaseId, after: { status: 'rejected', reason } });
  return getRelease(tx, releaseId, actor);
}

export interface CycleSummary {
  id: string;
  asOf: string;
  kind: string;
  status: string;
  /** why a failed cycle stopped */
  error: string | null;
  clientsDue: number;
  clientsDone: number;
  totals: Record<string, number>;
  createdBy: string;
  createdAt: string;
}

/**
 * A cycle still `running` whose heartbeat stopped has crashed: shown as failed (with why) so a
 * person can resume it, even before the next job marks it so. Read-only.
 */
const CYCLE_STATUS_SQL = `case when status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES}) then 'failed' else status end`;
const CYCLE_ERROR_SQL = `case when status = 'running' and coalesce(heartbeat_at, created_at) < now() - make_interval(mins => ${CYCLE_STALE_MINUTES})
  then 'The run stopped without finishing (no progress for ${CYCLE_STALE_MINUTES} minutes); resume it to propose the rest' else error end`;

export async function listCycles(tx: Tx, limit = 50): Promise<CycleSummary[]> {
  const rows = await tx.sql<{ id: string; as_of: string; kind: string; status: string; error: string | null; clients_due: number; clients_done: number; totals: Record<string, number>; created_by_label: string; created_at: string }[]>`
    select id, as_of, kind, ${tx.sql.unsafe(CYCLE_STATUS_SQL)} as status, ${tx.sql.unsafe(CYCLE_ERROR_SQL)} as error, clients_due, clients_done, totals, created_by_label,
           to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at
      from release_cycles order by id desc limit ${limit}`;
  return rows.map((r) => ({ id: r.id, asOf: r.as_of, kind: r.kind, status: r.status, error: r.error, clientsDue: r.clients_due, clientsDone: r.clients_done, totals: r.totals, createdBy: r.created_by_label, createdAt: r.created_at }));
}

export const cycleStatusSql = CYCLE_STATUS_SQL;
export const cycleErrorSql = CYCLE_ERROR_SQL;

/** The bank's payout file: paid releases in a date range (CSV). */
export async function payoutCsv(tx: Tx, range: { from: string; to: string }): Promise<string> {
  const rows = await tx.sql<{ id: string; as_of: string; client_id: string; name: string; currency: string; approved_amount: string }[]>`
    select r.id, r.as_of, r.client_id, c.name, r.currency, r.approved_amount
      from releases r join clients c on c.id = r.client_id
     where r.status = 'paid' and r.as_of between ${range.from}::date and ${range.to}::date order by r.as_of, r.id`;
  return toCsv(
    ['release_id', 'value_date', 'client_id', 'client_name', 'currency', 'amount'],
    rows.map((r) => [r.id, r.as_of, r.client_id, r.name, r.currency, moneyOut(r.approved_amount, r.currency)]),
  );
}


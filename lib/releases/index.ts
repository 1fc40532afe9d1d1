import { z } from 'zod';
import type { Database, Tx } from '../../db/client';
import { recordAudit } from '../audit';
import { assertClientScope, requireRole, type Actor } from '../auth/actor';
import { isBusinessDate, parseBusinessDate } from '../dates';
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

/** API.md GET /clients/{id}/reserve?asOf — what a cycle on asOf would release, as it was then. */
export async function reserveReport(tx: Tx, clientId: number, asOf: string, actor: Actor): Promise<{ clientId: string; asOf: string; balances: ReserveBalance[]; releaseMode: string; riskScore: number | null }> {
  assertClientScope(actor, clientId);
  const date = parseBusinessDate(asOf, 'asOf');
  const [client] = await tx.sql`select id from clients where id = ${clientId}`;
  if (!client) throw notFound('Client', clientId);
  const ctx = (await loadReleaseStates(tx, [clientId], date, { detail: true })).get(clientId);
  return {
    clientId: String(clientId),
    asOf: date,
    balances: (ctx?.states ?? []).map((s) => balanceView(computeReleasable(s))),
    releaseMode: ctx?.tier?.release ?? 'automatic',
    riskScore: ctx?.terms.riskScore ?? null,
  };
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
}

/**
 * A release cycle (SPEC 5.3, 7): for every client due on `asOf` (or the ones named), each
 * currency's releasable amount is proposed as one release — unique per client, currency and
 * date, so running it twice or on two workers proposes nothing twice. Releases within the
 * client's auto-approve limit and an automatic risk tier are approved, posted and paid at once;
 * the rest wait for approval. Clients are processed in chunks (a crash resumes with the rest).
 */
export async function runReleaseCycle(
  database: Database,
  input: { asOf: unknown; clientIds?: unknown },
  by: Actor,
  options: { kind?: 'scheduled' | 'ad_hoc'; chunkSize?: number; onProgress?: (done: number, total: number) => Promise<void> | void } = {},
): Promise<CycleView> {
  requireRole(by, CYCLE_ROLES);
  const data = parseInput(
    z.object({
      asOf: z.string({ error: 'is required' }).refine(isBusinessDate, { error: 'must be a date written YYYY-MM-DD' }),
      clientIds: z.array(z.union([z.string(), z.number()]).transform(Number)).optional(),
    }),
    input,
  );
  const asOf = data.asOf;
  let clientIds: number[];
  if (data.clientIds) {
    clientIds = data.clientIds;
  } else {
    const rows = await database.sql<{ id: string; schedule: { cadence: 'weekly' | 'biweekly' | 'monthly' | 'on_collection'; anchorDate: string } | null }[]>`
      select c.id, (select a.terms->'releaseSchedule' from agreements a where a.client_id = c.id and a.status = 'approved' and a.effective_from <= ${asOf}::date
                     order by a.effective_from desc, a.version desc limit 1) as schedule
        from clients c where c.status in ('active', 'suspended')`;
    clientIds = rows.filter((r) => isReleaseDue(r.schedule ?? { cadence: 'biweekly', anchorDate: '2026-01-02' }, asOf)).map((r) => Number(r.id));
  }
  const [cycle] = await database.sql<{ id: string }[]>`
    insert into release_cycles (as_of, kind, clients_due, created_by, created_by_label)
    values (${asOf}, ${options.kind ?? 'ad_hoc'}, ${clientIds.length}, ${by.userId}, ${by.label}) returning id`;
  const cycleId = Number(cycle!.id);
  const chunkSize = options.chunkSize ?? 2000;
  for (let i = 0; i < clientIds.length; i += chunkSize) {
    const chunk = clientIds.slice(i, i + chunkSize);
    await database.transaction(async (tx) => {
      await proposeChunk(tx, cycleId, asOf, chunk, by);
      await tx.sql`update release_cycles set clients_done = clients_done + ${chunk.length} where id = ${cycleId}`;
    });
    await options.onProgress?.(Math.min(i + chunkSize, clientIds.length), clientIds.length);
  }
  const releases = await database.sql<{ id: string; client_id: string; currency: string; amount: string; status: string }[]>`
    select id, client_id, currency, amount, status from releases
     where as_of = ${asOf} and client_id = any(${clientIds}::bigint[]) order by client_id, currency`;
  const totals = { proposed: releases.length, paid: releases.filter((r) => r.status === 'paid').length, pending: releases.filter((r) => r.status === 'pending_approval').length };
  await database.sql`update release_cycles set status = 'completed', finished_at = now(), totals = ${JSON.stringify(totals)}::jsonb where id = ${cycleId}`;
  await database.transaction((tx) => recordAudit(tx, by, { action: 'release.cycle', targetType: 'release_cycle', targetId: cycleId, after: { asOf, clients: clientIds.length, ...totals } }));
  return {
    id: String(cycleId),
    asOf,
    kind: options.kind ?? 'ad_hoc',
    status: 'completed',
    releases: releases.map((r) => ({ id: r.id, clientId: r.client_id, currency: r.currency, amount: moneyOut(r.amount, r.currency), status: r.status })),
  };
}

async function proposeChunk(tx: Tx, cycleId: number, asOf: string, clientIds: number[], by: Actor): Promise<void> {
  // Skip what an earlier (crashed or racing) run of this date proposed already.
  const done = await tx.sql<{ client_id: string }[]>`select distinct client_id from releases where as_of = ${asOf} and client_id = any(${clientIds}::bigint[])`;
  const doneSet = new Set(done.map((d) => Number(d.client_id)));
  const todo = clientIds.filter((id) => !doneSet.has(id));
  if (todo.length === 0) return;
  await tx.sql`select id from clients where id = any(${todo}::bigint[]) order by id for update`;
  // Set-based reads over thousands of clients: JIT costs more than it saves; sorts fit in memory.
  await tx.sql`set local jit = off`;
  await tx.sql`set local work_mem = '64MB'`;
  // One read, under the clients' locks, serves both the proposals and the postings.
  const contexts = await loadReleaseStates(tx, todo, asOf, { detail: 'drawable' });
  const threshold = await controllerThreshold(tx);
  const rows: { clientId: number; currency: string; amount: Big; status: string; mode: string; needsController: boolean; breakdown: object }[] = [];
  const stateOf = new Map<string, ReleaseState>();
  for (const ctx of contexts.values()) {
    for (const state of ctx.states) {
      const r = computeReleasable(groupedState(state));
      if (r.held.eq(0) && r.releasable.eq(0)) continue;
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
  if (rows.length === 0) return;
  const inserted = await tx.sql<{ id: string; client_id: string; currency: string; status: string; amount: string }[]>`
    insert into releases (cycle_id, client_id, currency, as_of, amount, status, release_mode, needs_controller, breakdown, created_by)
    select ${cycleId}, c, cur, ${asOf}::date, a, s, m, nc, b::jsonb, ${by.userId}::bigint
      from unnest(${rows.map((r) => r.clientId)}::bigint[], ${rows.map((r) => r.currency)}::text[], ${rows.map((r) => r.amount.toString())}::numeric[],
                  ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.mode)}::text[], ${rows.map((r) => (r.needsController ? 'yes' : 'no'))}::text[],
                  ${rows.map((r) => JSON.stringify(r.breakdown))}::text[]) as t(c, cur, a, s, m, nc, b)
    on conflict (client_id, currency, as_of) do nothing
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
}

/**
 * Approves a proposed release (maker ≠ checker: not by whoever ran the cycle — 403). Above the
 * controller threshold a second approval by a controller (another person) is needed. An amount
 * below the proposal releases part; the rest stays for the next cycle. Posted and paid at once.
 */
export async function approveRelease(tx: Tx, releaseId: number, input: { amount?: unknown }, actor: Actor): Promise<ReleaseView> {
  requireRole(actor, APPROVER_ROLES);
  const [row] = await tx.sql<ReleaseRow[]>`select r.*, '' as client_name from releases r where r.id = ${releaseId} for update`;
  if (!row) throw notFound('Release', releaseId);
  if (row.status !== 'pending_approval') throw new DomainError('already_decided', `Release ${releaseId} is ${row.status.replace('_', ' ')}`, { status: 409 });
  if (actor.userId !== null && row.created_by !== null && Number(row.created_by) === actor.userId) {
    throw new DomainError('maker_checker', 'You ran the cycle that proposed this release, so someone else must approve it', { status: 403 });
  }
  if (actor.userId !== null && row.first_approved_by !== null && Number(row.first_approved_by) === actor.userId) {
    throw new DomainError('maker_checker', 'You approved this release already; the second approval must come from another person', { status: 403 });
  }
  const c = row.currency;
  const requested = input.amount === undefined ? new Big(row.amount) : parseMoney(input.amount, c, { field: 'amount' });
  if (requested.lte(0) || requested.gt(row.amount)) {
    throw new DomainError('invalid_input', `The amount must be more than zero and at most the ${moneyOut(row.amount, c)} proposed`, { status: 400, details: { amount: 'out of range' } });
  }
  await tx.sql`select id from clients where id = ${row.client_id} for update`;
  const threshold = await controllerThreshold(tx);
  const needsController = requested.gt(threshold);
  if (needsController && row.first_approved_by === null) {
    // First of two approvals: recorded; a controller (another person) completes it.
    await tx.sql`update releases set first_approved_by = ${actor.userId}, approved_amount = ${requested.toString()}, needs_controller = 'yes' where id = ${releaseId}`;
    await recordAudit(tx, actor, { action: 'release.first_approval', targetType: 'release', targetId: releaseId, after: { amount: formatMoney(requested, c), needs: 'a controller' } });
    return getRelease(tx, releaseId, actor);
  }
  if (needsController && actor.role !== 'controller' && actor.role !== 'system') {
    throw new DomainError('controller_required', `Releases above ${formatMoney(threshold, c)} ${c} need a controller's approval as well`, { status: 403 });
  }
  const amount = row.approved_amount !== null && needsController ? new Big(row.approved_amount) : requested;
  const ctx = (await loadReleaseStates(tx, [Number(row.client_id)], row.as_of, { detail: true })).get(Number(row.client_id));
  await tx.sql`update releases set ${needsController ? tx.sql`second_approved_by = ${actor.userId}` : tx.sql`first_approved_by = ${actor.userId}`}, decided_by = ${actor.userId}, status = 'approved' where id = ${releaseId}`;
  await postReleases(tx, [{ id: releaseId, clientId: Number(row.client_id), currency: c, asOf: row.as_of, amount, state: ctx?.states.find((s) => s.currency === c) }], actor);
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
  const [row] = await tx.sql<{ status: string; created_by: string | null }[]>`select status, created_by from releases where id = ${releaseId} for update`;
  if (!row) throw notFound('Release', releaseId);
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
  clientsDue: number;
  clientsDone: number;
  totals: Record<string, number>;
  createdBy: string;
  createdAt: string;
}

export async function listCycles(tx: Tx, limit = 50): Promise<CycleSummary[]> {
  const rows = await tx.sql<{ id: string; as_of: string; kind: string; status: string; clients_due: number; clients_done: number; totals: Record<string, number>; created_by_label: string; created_at: string }[]>`
    select id, as_of, kind, status, clients_due, clients_done, totals, created_by_label, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at
      from release_cycles order by id desc limit ${limit}`;
  return rows.map((r) => ({ id: r.id, asOf: r.as_of, kind: r.kind, status: r.status, clientsDue: r.clients_due, clientsDone: r.clients_done, totals: r.totals, createdBy: r.created_by_label, createdAt: r.created_at }));
}

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


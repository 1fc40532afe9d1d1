import { z } from 'zod';
import type { Database, Tx } from '../../db/client';
import { needsController } from '../approvals';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { assertBusinessDateInWindow } from '../dates';
import { DomainError } from '../errors';
import { Big, formatMoney, moneyOut } from '../money';
import { controllerThreshold } from '../settings';
import { parseInput } from '../validation';
import { businessDate, id, list, optional } from '../validation/fields';
import { openProposals } from './open-proposals';
import { POSTED_STATUSES } from './list';
import { postReleases } from './post-releases';
import { computeReleasable, isReleaseDue, type ReleaseState } from './releasable';
import { groupedState, loadReleaseStates } from './state';

export interface CycleView {
  id: string;
  asOf: string;
  kind: string;
  status: string;
  releases: { id: string; clientId: string; currency: string; amount: string; status: string }[];
  /** clients and currencies left out because a proposal of theirs still waits for approval */
  skipped: { clientId: string; currency: string; reason: 'open_proposal'; releaseId: string }[];
}

/**
 * A cycle as API.md POST /release-cycles takes it: its date, and optionally the clients (every
 * client due by cadence on that date without). Each error names its field's label.
 */
export const runCycleInputSchema = z.object({
  asOf: businessDate('As of'),
  clientIds: optional(list('Client', id('Client'), { max: 100_000 })),
});
export type RunCycleInput = z.input<typeof runCycleInputSchema>;

type Skipped = CycleView['skipped'][number];

/**
 * A release cycle (SPEC 5.3, 7): for every client due on `asOf` (or the ones named), each
 * currency's releasable amount is proposed as one release — unique per client, currency and
 * date, so running it twice or on two workers proposes nothing twice, and at most one proposal
 * per client and currency is open at a time. Releases within the client's auto-approve limit and
 * an automatic risk tier are approved and posted at once (status `approved`: a person pays them
 * through a payout batch, lib/payouts); the rest wait for approval.
 * Clients are processed in chunks, one short transaction each (a request never holds one
 * connection while waiting for another); a crash leaves the cycle `failed` (or, if the process
 * died, stale) and resuming it proposes the rest exactly once.
 *
 * Errors: 401 `unauthenticated`, 403 `forbidden` (needs `release.run_cycle`); 400 `invalid_input`
 * (names the field); 422 `date_out_of_range`; 422 `unknown_clients` (nothing run); 409
 * `not_resumable` (resuming a finished cycle, or one of another date). A chunk that fails marks the
 * cycle failed with why and rethrows (the job retries, a person resumes).
 */
export async function runReleaseCycle(
  database: Database,
  input: RunCycleInput,
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
  requirePermission(by, 'release.run_cycle');
  const data = parseInput(runCycleInputSchema, input);
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
      throw new DomainError(
        'unknown_clients',
        `No client ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}: nothing was run`,
        {
          status: 422,
          details: { clientIds: `unknown: ${missing.slice(0, 20).join(', ')}` },
        },
      );
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
    const message =
      error instanceof DomainError ? error.message : `The run failed (${error instanceof Error ? error.message : String(error)}); resume it to finish`;
    await database.sql`update release_cycles set status = 'failed', error = ${message.slice(0, 2000)}, finished_at = now() where id = ${cycleId}`.catch(
      (markError: unknown) => {
        console.error(`release cycle ${cycleId}: could not mark it failed`, markError);
      },
    );
    throw error;
  }
  const releases = await database.sql<{ id: string; client_id: string; currency: string; amount: string; status: string }[]>`
    select id, client_id, currency, amount, status from releases
     where as_of = ${asOf} and client_id = any(${clientIds}::bigint[]) and kind = 'reserve' order by client_id, currency`;
  const totals = {
    proposed: releases.length,
    approved: releases.filter((r) => POSTED_STATUSES.has(r.status)).length,
    pending: releases.filter((r) => r.status === 'pending_approval').length,
    waitingOnOpenProposal: skipped.length,
  };
  await database.transaction(async (tx) => {
    await tx.sql`update release_cycles set status = 'completed', finished_at = now(), heartbeat_at = now(), error = null, totals = ${JSON.stringify(totals)}::jsonb where id = ${cycleId}`;
    await recordAudit(tx, by, {
      action: options.resumeCycleId !== undefined ? 'release.cycle_resume' : 'release.cycle',
      targetType: 'release_cycle',
      targetId: cycleId,
      after: { asOf, clients: clientIds.length, ...totals },
    });
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
  const done = await tx.sql<
    { client_id: string }[]
  >`select distinct client_id from releases where as_of = ${asOf} and client_id = any(${clientIds}::bigint[]) and kind = 'reserve'`;
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
        needsController: needsController(r.releasable, threshold),
        breakdown: {
          summary: {
            held: formatMoney(r.held, state.currency),
            eligible: formatMoney(r.eligible, state.currency),
            feesDue: formatMoney(r.feesDue, state.currency),
            clientDue: formatMoney(r.clientDue, state.currency),
            holdbacks: formatMoney(r.holdbacks, state.currency),
            onOpenInvoices: formatMoney(r.onOpenInvoices, state.currency),
          },
          lines: r.lines.slice(0, 50),
        },
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
  // Every auto-approved release of the chunk posted and advised together (paid later, in a payout batch).
  await postReleases(
    tx,
    inserted
      .filter((r) => r.status === 'approved')
      .map((r) => ({
        id: Number(r.id),
        clientId: Number(r.client_id),
        currency: r.currency,
        asOf,
        amount: new Big(r.amount),
        state: stateOf.get(`${r.client_id}|${r.currency}`),
      })),
    by,
  );
  await recordAudit(
    tx,
    by,
    inserted.map((r) => ({
      action: r.status === 'approved' ? 'release.auto_approve' : 'release.propose',
      targetType: 'release',
      targetId: r.id,
      after: { clientId: r.client_id, currency: r.currency, amount: moneyOut(r.amount, r.currency), status: r.status },
    })),
  );
  return skipped;
}

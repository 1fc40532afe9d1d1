import type { Database, RawSql, Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { checkAmountRange, checkDateRange, containsPattern, ownClientOnly } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { businessDate, choice, currency, formMoney, id, optional, text } from '../validation/fields';
import { cycleErrorSql, cycleStatusSql } from './cycle-status';
import { releaseSummary, type ReleaseSummary, type ReleaseSummaryRow } from './release-rows';
import { cycleView, type CycleRow, type CycleView } from './views';

/**
 * Issue 13: the releases list (`GET /api/v1/releases`, Releases, and the approvals queue: the
 * same list held to `pending_approval`) and the release cycles list (`GET /api/v1/release-cycles`,
 * Releases), on the keyset engine.
 *
 * Releases: sorts as-of date (default, newest first), amount, status; filters status, client (id
 * or a part of its name), currency, an as-of range, an amount range, release mode, whether a
 * controller must approve, and the cycle. A client user sees its own releases only. Indexes
 * (0020_lists): (as_of, id), (amount, id), (status, id); (status, as_of, id) — the approvals
 * queue — and (client_id, as_of, id).
 *
 * Cycles: sorts started (the id, default newest first) and as-of date; filters status, kind and an
 * as-of range. A cycle whose heartbeat stopped reads as failed (cycle-status.ts), here as on its page.
 */

/** SPEC 5.3 (issue 14): approved → in_batch → sent → paid (settled); returned goes back to client payable. */
export const RELEASE_STATUSES = ['pending_approval', 'approved', 'in_batch', 'sent', 'paid', 'returned', 'rejected', 'nothing_due'] as const;
export const RELEASE_STATUS_LABELS: Record<(typeof RELEASE_STATUSES)[number], string> = {
  pending_approval: 'pending approval',
  approved: 'approved',
  in_batch: 'in batch',
  sent: 'sent',
  paid: 'paid',
  returned: 'returned',
  rejected: 'rejected',
  nothing_due: 'nothing due',
};
/** The statuses of a release that was posted (reserve → client payable): approved and every step of its payout after. */
export const POSTED_STATUSES: ReadonlySet<string> = new Set(['approved', 'in_batch', 'sent', 'paid', 'returned']);

/** A release's status in a person's words ("in batch"). */
export function releaseStatusLabel(status: string): string {
  return (RELEASE_STATUS_LABELS as Record<string, string>)[status] ?? status.replace(/_/g, ' ');
}

export const RELEASE_MODES = ['automatic', 'review', 'manual'] as const;

const releaseFilters = filterSchema({
  status: optional(choice('Status', RELEASE_STATUSES, RELEASE_STATUS_LABELS)),
  clientId: optional(id('Client')),
  clientName: optional(text('Client name contains', { max: 200 })),
  currency: optional(currency('Currency')),
  from: optional(businessDate('Release date from')),
  to: optional(businessDate('Release date to')),
  minAmount: optional(formMoney('Smallest amount')),
  maxAmount: optional(formMoney('Largest amount')),
  mode: optional(choice('Release mode', RELEASE_MODES)),
  controller: optional(choice('Controller needed', ['yes', 'no'] as const)),
  cycleId: optional(id('Cycle')),
}).superRefine((v, ctx) => {
  checkDateRange(ctx, v.from, v.to, { from: 'Release date from', to: 'Release date to' });
  checkAmountRange(ctx, v.minAmount, v.maxAmount, { min: 'Smallest amount', max: 'Largest amount' });
});

export type ReleaseFilters = ReturnType<typeof releaseFilters.parse>;

const releaseSorts = {
  date: { expr: 'r.as_of', type: 'date', label: 'As of' },
  amount: { expr: 'r.amount', type: 'numeric', label: 'Amount' },
  status: { expr: 'r.status', type: 'text', label: 'Status' },
} as const;

export const releaseListDefinition: ListDefinition<ReleaseFilters> = {
  name: 'releases',
  sorts: releaseSorts,
  defaultSort: 'date',
  defaultOrder: 'desc',
  idExpr: 'r.id',
  filters: releaseFilters,
};

/** The approvals queue: the releases waiting for a decision, oldest first. */
export const approvalQueueDefinition: ListDefinition<ReleaseFilters> = { ...releaseListDefinition, name: 'release-queue', defaultOrder: 'asc' };

/** A release as the list shows it: its summary and when it was paid (UTC, to the minute). */
export interface ReleaseListItem extends ReleaseSummary {
  paidAt: string | null;
}

type ReleaseListRow = ReleaseSummaryRow & { paid_at: string | null };

function releaseItem(r: ReleaseListRow): ReleaseListItem {
  return { ...releaseSummary(r), paidAt: r.paid_at };
}

/**
 * The releases the actor may see (a client user: its own). `pendingOnly` is the approvals queue:
 * the same list, held to releases waiting for a decision, oldest first.
 */
export function releaseList(
  sql: RawSql,
  actor: Pick<Actor, 'role' | 'clientId'>,
  options: { pendingOnly?: boolean } = {},
): ListSpec<ReleaseFilters, ReleaseListRow, ReleaseListItem> {
  return {
    def: options.pendingOnly ? approvalQueueDefinition : releaseListDefinition,
    query: ({ filters: f }) => ({
      select: sql`r.id::text as id, r.cycle_id::text as cycle_id, r.kind, r.escrow_amount::text as escrow_amount, r.client_id::text as client_id, c.name as client_name, r.currency, r.as_of::text as as_of,
                  r.amount::text as amount, r.approved_amount::text as approved_amount, r.status, r.release_mode, r.needs_controller,
                  u1.email as first_email, u2.email as second_email, r.batch_id::text as batch_id, to_char(r.paid_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as paid_at`,
      // Left joins (the client always exists: a foreign key): a count that reads no client column skips the join.
      from: sql`releases r left join clients c on c.id = r.client_id
                left join users u1 on u1.id = r.first_approved_by left join users u2 on u2.id = r.second_approved_by`,
      where: [
        ownClientOnly(sql, actor, 'r.client_id'),
        options.pendingOnly ? sql`r.status = 'pending_approval'` : f.status ? sql`r.status = ${f.status}` : null,
        f.clientId !== undefined ? sql`r.client_id = ${f.clientId}` : null,
        f.clientName ? sql`r.client_id = any(array(select x.id from clients x where x.name ilike ${containsPattern(f.clientName)}))` : null,
        f.currency ? sql`r.currency = ${f.currency}` : null,
        f.from ? sql`r.as_of >= ${f.from}::date` : null,
        f.to ? sql`r.as_of <= ${f.to}::date` : null,
        f.minAmount !== undefined ? sql`r.amount >= ${f.minAmount}::numeric` : null,
        f.maxAmount !== undefined ? sql`r.amount <= ${f.maxAmount}::numeric` : null,
        f.mode ? sql`r.release_mode = ${f.mode}` : null,
        f.controller ? sql`r.needs_controller = ${f.controller}` : null,
        f.cycleId !== undefined ? sql`r.cycle_id = ${f.cycleId}` : null,
      ],
    }),
    map: releaseItem,
    csv: [
      { header: 'Release', value: (r) => r.id },
      { header: 'Cycle', value: (r) => r.cycleId },
      { header: 'Client', value: (r) => r.clientName },
      { header: 'Client id', value: (r) => r.clientId },
      { header: 'As of', value: (r) => r.asOf },
      { header: 'Currency', value: (r) => r.currency },
      { header: 'Proposed', value: (r) => r.amount },
      { header: 'Released', value: (r) => (POSTED_STATUSES.has(r.status) ? (r.approvedAmount ?? '') : '') },
      { header: 'Status', value: (r) => r.status },
      { header: 'Release mode', value: (r) => r.releaseMode },
      { header: 'Controller needed', value: (r) => (r.needsController ? 'yes' : 'no') },
      { header: 'Paid at (UTC)', value: (r) => r.paidAt ?? '' },
    ],
    file: options.pendingOnly ? 'releases-waiting' : 'releases',
  };
}

export const CYCLE_STATUSES = ['running', 'completed', 'failed'] as const;
export const CYCLE_KINDS = ['scheduled', 'ad_hoc'] as const;

const cycleFilters = filterSchema({
  status: optional(choice('Status', CYCLE_STATUSES)),
  kind: optional(choice('Kind', CYCLE_KINDS, { scheduled: 'scheduled', ad_hoc: 'ad hoc' })),
  from: optional(businessDate('Cycle date from')),
  to: optional(businessDate('Cycle date to')),
}).superRefine((v, ctx) => checkDateRange(ctx, v.from, v.to, { from: 'Cycle date from', to: 'Cycle date to' }));

export type CycleFilters = ReturnType<typeof cycleFilters.parse>;

export const cycleListDefinition: ListDefinition<CycleFilters> = {
  name: 'cycles',
  sorts: {
    started: { expr: 'rc.id', type: 'bigint', label: 'Started' },
    date: { expr: 'rc.as_of', type: 'date', label: 'As of' },
  },
  defaultSort: 'started',
  defaultOrder: 'desc',
  idExpr: 'rc.id',
  filters: cycleFilters,
};

/** A cycle as the API lists it: progress (`clientsDone` of `clientsDue`) and totals. */
export type CycleListItem = CycleView;

/** Release cycles (staff: a cycle spans many clients). */
export function cycleList(sql: RawSql): ListSpec<CycleFilters, CycleRow, CycleListItem> {
  // cycle-status.ts names the cycle's columns bare: the FROM holds release_cycles alone, so they are its.
  const status = sql.unsafe(cycleStatusSql);
  const error = sql.unsafe(cycleErrorSql);
  return {
    def: cycleListDefinition,
    query: ({ filters: f }) => ({
      select: sql`rc.id::text as id, rc.as_of::text as as_of, rc.kind, ${status} as status, ${error} as error, rc.clients_due, rc.clients_done, rc.totals,
                  rc.created_by_label, to_char(rc.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at,
                  to_char(rc.finished_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as finished_at`,
      from: sql`release_cycles rc`,
      where: [
        f.status ? sql`(${status}) = ${f.status}` : null,
        f.kind ? sql`rc.kind = ${f.kind}` : null,
        f.from ? sql`rc.as_of >= ${f.from}::date` : null,
        f.to ? sql`rc.as_of <= ${f.to}::date` : null,
      ],
    }),
    map: cycleView,
    csv: [
      { header: 'Cycle', value: (c) => c.id },
      { header: 'As of', value: (c) => c.asOf },
      { header: 'Kind', value: (c) => c.kind },
      { header: 'Status', value: (c) => c.status },
      { header: 'Clients due', value: (c) => c.clientsDue },
      { header: 'Clients done', value: (c) => c.clientsDone },
      { header: 'Proposed', value: (c) => c.totals.proposed ?? 0 },
      { header: 'Approved', value: (c) => c.totals.approved ?? c.totals.paid ?? 0 },
      { header: 'Waiting', value: (c) => c.totals.pending ?? 0 },
      { header: 'Run by', value: (c) => c.createdBy },
      { header: 'Started (UTC)', value: (c) => c.createdAt },
      { header: 'Finished (UTC)', value: (c) => c.finishedAt ?? '' },
      { header: 'Error', value: (c) => c.error ?? '' },
    ],
    file: 'release-cycles',
  };
}

/** The currencies of the releases waiting for approval, for the queue's filter (the partial index of pending releases). */
export async function pendingReleaseCurrencies(db: Database | Tx): Promise<string[]> {
  const rows = await db.sql<{ currency: string }[]>`select distinct currency from releases where status = 'pending_approval' order by currency`;
  return rows.map((r) => r.currency);
}

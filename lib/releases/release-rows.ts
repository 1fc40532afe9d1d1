import type { Tx } from '../../db/client';
import { notFound } from '../errors';
import { moneyOut } from '../money';
import type { BreakdownLine } from './releasable';

/**
 * What every reading of a release shows — a release by id, a cycle's releases, the releases list
 * and the approvals queue: its client, the amounts (formatted in the release's currency), its
 * status and who approved it (their emails).
 */
export interface ReleaseSummary {
  id: string;
  /** null for an escrow release (issue 16: requested by a person, not proposed by a cycle) */
  cycleId: string | null;
  /** issue 16 item 3: `reserve` (a rebate) or `escrow` (the client's escrow paid back) */
  kind: 'reserve' | 'escrow';
  /** issue 16 item 3: of a rebate under an escrow policy, the share credited to escrow (approvedAmount is what is paid) */
  escrowAmount: string | null;
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
  /** issue 14: the live payout batch it is in (in_batch, sent, paid), else null */
  batchId: string | null;
}

/** The columns a ReleaseSummary is read from: the release's, its client's name and its approvers' emails. */
export type ReleaseSummaryRow = {
  id: string;
  cycle_id: string | null;
  kind?: string;
  escrow_amount?: string | null;
  client_id: string;
  client_name: string;
  currency: string;
  as_of: string;
  amount: string;
  approved_amount: string | null;
  status: string;
  release_mode: string;
  needs_controller: string;
  first_email: string | null;
  second_email: string | null;
  batch_id: string | null;
};

export function releaseSummary(r: ReleaseSummaryRow): ReleaseSummary {
  return {
    id: r.id,
    cycleId: r.cycle_id,
    kind: r.kind === 'escrow' ? 'escrow' : 'reserve',
    escrowAmount: r.escrow_amount === undefined || r.escrow_amount === null || Number(r.escrow_amount) === 0 ? null : moneyOut(r.escrow_amount, r.currency),
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
    batchId: r.batch_id === null || r.batch_id === undefined ? null : String(r.batch_id),
  };
}

/** A release as API.md shows it: its summary, the reason it was rejected, and how its amount was reached. */
export interface ReleaseView extends ReleaseSummary {
  reason: string | null;
  breakdown: { lines?: BreakdownLine[]; summary?: Record<string, string> };
}

export type ReleaseRow = ReleaseSummaryRow & {
  first_approved_by: string | null;
  second_approved_by: string | null;
  reason: string | null;
  breakdown: ReleaseView['breakdown'];
  created_by: string | null;
};

export async function loadReleases(tx: Tx, filter: { id?: number; cycleId?: number; status?: string; limit?: number }): Promise<ReleaseRow[]> {
  return tx.sql<ReleaseRow[]>`
    select r.*, c.name as client_name, u1.email as first_email, u2.email as second_email
      from releases r join clients c on c.id = r.client_id
      left join users u1 on u1.id = r.first_approved_by left join users u2 on u2.id = r.second_approved_by
     where (${filter.id ?? null}::bigint is null or r.id = ${filter.id ?? null})
       and (${filter.cycleId ?? null}::bigint is null or r.cycle_id = ${filter.cycleId ?? null})
       and (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null})
     order by r.id desc limit ${filter.limit ?? 1000}`;
}

export function releaseView(r: ReleaseRow): ReleaseView {
  return { ...releaseSummary(r), reason: r.reason, breakdown: r.breakdown };
}

/**
 * Locks a release for a decision, in the order every command that moves a client's reserve uses:
 * the client first, then the release.
 */
export async function lockRelease(tx: Tx, releaseId: number): Promise<ReleaseRow> {
  const [peek] = await tx.sql<{ client_id: string }[]>`select client_id from releases where id = ${releaseId}`;
  if (!peek) throw notFound('Release', releaseId);
  await tx.sql`select id from clients where id = ${peek.client_id} for update`;
  const [row] = await tx.sql<ReleaseRow[]>`select r.*, '' as client_name from releases r where r.id = ${releaseId} for update`;
  return row!;
}

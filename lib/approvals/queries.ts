import type { Tx } from '../../db/client';
import type { ApprovalKind } from './queue';

export interface ApprovalItem {
  id: string;
  kind: ApprovalKind;
  targetId: string;
  clientId: string | null;
  clientName: string | null;
  summary: string;
  details: Record<string, unknown>;
  status: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  reason: string | null;
}

export async function listApprovals(
  tx: Tx,
  filter: { status?: 'pending' | 'approved' | 'rejected'; kind?: ApprovalKind; limit?: number } = {},
): Promise<ApprovalItem[]> {
  const rows = await tx.sql<
    {
      id: string;
      kind: ApprovalKind;
      target_id: string;
      client_id: string | null;
      client_name: string | null;
      summary: string;
      details: Record<string, unknown>;
      status: string;
      requested_by: string;
      requested_at: string;
      decided_by: string | null;
      reason: string | null;
    }[]
  >`
    select r.id, r.kind, r.target_id, r.client_id, c.name as client_name, r.summary, r.details, r.status,
           u.email as requested_by, to_char(r.requested_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as requested_at,
           d.email as decided_by, r.reason
      from approval_requests r
      left join clients c on c.id = r.client_id
      left join users u on u.id = r.requested_by
      left join users d on d.id = r.decided_by
     where (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null})
       and (${filter.kind ?? null}::text is null or r.kind = ${filter.kind ?? null})
     order by r.id desc limit ${filter.limit ?? 200}`;
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    targetId: r.target_id,
    clientId: r.client_id,
    clientName: r.client_name,
    summary: r.summary,
    details: r.details,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    reason: r.reason,
  }));
}

/** Everything waiting for a decision: requests in the queue, releases proposed by cycles and payout account changes. */
export async function countPendingApprovals(tx: Tx): Promise<number> {
  const [row] = await tx.sql<{ n: number }[]>`
    select (select count(*) from approval_requests where status = 'pending')::int
         + (select count(*) from releases where status = 'pending_approval')::int
         + (select count(*) from payout_account_changes where status = 'pending')::int as n`;
  return row!.n;
}

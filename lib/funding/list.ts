import type { RawSql } from '../../db/client';
import type { Actor } from '../auth/actor';
import { checkDateRange, containsPattern, ownClientOnly } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { moneyOut } from '../money';
import { businessDate, choice, currency, id, optional, text } from '../validation/fields';

/**
 * Issue 13: the funding batches list (`GET /api/v1/fundings`, Fundings) on the keyset engine:
 * sorts funding date (default, newest first), total face value and status; filters status,
 * client (id, or a part of its name), currency and a funding-date range. A client user sees its
 * own client's batches only.
 *
 * Indexes (0020_lists): (funding_date, id), (total_face, id), (status, id) for the sorts;
 * (status, funding_date, id) and (client_id, funding_date, id) for a status's or a client's
 * batches by date.
 */

export const FUNDING_STATUSES = ['pending_approval', 'funded', 'rejected'] as const;
export const FUNDING_STATUS_LABELS: Record<(typeof FUNDING_STATUSES)[number], string> = {
  pending_approval: 'pending approval',
  funded: 'funded',
  rejected: 'rejected',
};

const fundingFilters = filterSchema({
  status: optional(choice('Status', FUNDING_STATUSES, FUNDING_STATUS_LABELS)),
  clientId: optional(id('Client')),
  clientName: optional(text('Client name contains', { max: 200 })),
  currency: optional(currency('Currency')),
  from: optional(businessDate('Funded from')),
  to: optional(businessDate('Funded to')),
}).superRefine((v, ctx) => checkDateRange(ctx, v.from, v.to, { from: 'Funded from', to: 'Funded to' }));

export type FundingFilters = ReturnType<typeof fundingFilters.parse>;

export const fundingListDefinition: ListDefinition<FundingFilters> = {
  name: 'fundings',
  sorts: {
    date: { expr: 'b.funding_date', type: 'date', label: 'Funding date' },
    total: { expr: 'b.total_face', type: 'numeric', label: 'Total face value' },
    status: { expr: 'b.status', type: 'text', label: 'Status' },
  },
  defaultSort: 'date',
  defaultOrder: 'desc',
  idExpr: 'b.id',
  filters: fundingFilters,
};

export interface FundingListItem {
  id: string;
  clientId: string;
  clientName: string;
  status: string;
  fundingDate: string;
  currency: string;
  invoices: number;
  totalFace: string;
  totalAdvance: string;
  totalReserve: string;
  totalFees: string;
  holds: number;
  requestedBy: string | null;
  createdAt: string;
}

type FundingListRow = {
  id: string;
  client_id: string;
  client_name: string;
  status: string;
  funding_date: string;
  currency: string;
  invoices: number;
  total_face: string;
  total_advance: string;
  total_reserve: string;
  total_fees: string;
  holds: number;
  requested_by: string | null;
  created_at: string;
};

export function fundingItem(r: FundingListRow): FundingListItem {
  return {
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    status: r.status,
    fundingDate: r.funding_date,
    currency: r.currency,
    invoices: r.invoices,
    totalFace: moneyOut(r.total_face, r.currency),
    totalAdvance: moneyOut(r.total_advance, r.currency),
    totalReserve: moneyOut(r.total_reserve, r.currency),
    totalFees: moneyOut(r.total_fees, r.currency),
    holds: r.holds,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
  };
}

/** The batches the actor may see (a client user: its own client's). */
export function fundingList(sql: RawSql, actor: Pick<Actor, 'role' | 'clientId'>): ListSpec<FundingFilters, FundingListRow, FundingListItem> {
  return {
    def: fundingListDefinition,
    query: ({ filters: f }) => ({
      // The invoice count reads the batch's own rows of funding_batch_invoices' primary key (a page's 50 batches, not the table).
      select: sql`b.id::text as id, b.client_id::text as client_id, c.name as client_name, b.status, b.funding_date::text as funding_date, b.currency,
                  (select count(*)::int from funding_batch_invoices x where x.batch_id = b.id) as invoices,
                  b.total_face::text as total_face, b.total_advance::text as total_advance, b.total_reserve::text as total_reserve,
                  b.total_fees::text as total_fees, jsonb_array_length(b.holds) as holds, u.email as requested_by,
                  to_char(b.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as created_at`,
      // Left joins (the client always exists: a foreign key): a count that reads no client column skips the join.
      from: sql`funding_batches b left join clients c on c.id = b.client_id left join users u on u.id = b.requested_by`,
      where: [
        ownClientOnly(sql, actor, 'b.client_id'),
        f.status ? sql`b.status = ${f.status}` : null,
        f.clientId !== undefined ? sql`b.client_id = ${f.clientId}` : null,
        f.clientName ? sql`b.client_id = any(array(select x.id from clients x where x.name ilike ${containsPattern(f.clientName)}))` : null,
        f.currency ? sql`b.currency = ${f.currency}` : null,
        f.from ? sql`b.funding_date >= ${f.from}::date` : null,
        f.to ? sql`b.funding_date <= ${f.to}::date` : null,
      ],
    }),
    map: fundingItem,
    csv: [
      { header: 'Batch', value: (b) => b.id },
      { header: 'Client', value: (b) => b.clientName },
      { header: 'Client id', value: (b) => b.clientId },
      { header: 'Funding date', value: (b) => b.fundingDate },
      { header: 'Status', value: (b) => b.status },
      { header: 'Currency', value: (b) => b.currency },
      { header: 'Invoices', value: (b) => b.invoices },
      { header: 'Face value', value: (b) => b.totalFace },
      { header: 'Advance', value: (b) => b.totalAdvance },
      { header: 'Reserve', value: (b) => b.totalReserve },
      { header: 'Fees', value: (b) => b.totalFees },
      { header: 'Holds', value: (b) => b.holds },
      { header: 'Requested by', value: (b) => b.requestedBy ?? '' },
      { header: 'Requested at (UTC)', value: (b) => b.createdAt },
    ],
    file: 'fundings',
  };
}

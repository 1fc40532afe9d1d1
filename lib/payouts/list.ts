import type { RawSql } from '../../db/client';
import { checkDateRange } from '../lists/common-filters';
import { filterSchema, type ListDefinition } from '../lists/keyset';
import type { ListSpec } from '../lists/respond';
import { businessDate, choice, currency, optional } from '../validation/fields';
import { BATCH_STATUSES, batchColumns, batchHead, type BatchView } from './batches';

/**
 * Issue 14: payout batches as a list (`GET /api/v1/payout-batches`) on the keyset engine: sorts
 * created (the id, default newest first) and value date; filters status, currency and a value-date
 * range. Indexes (0027): (value_date, id), (status, id).
 */
const batchFilters = filterSchema({
  status: optional(choice('Status', BATCH_STATUSES)),
  currency: optional(currency('Currency')),
  from: optional(businessDate('Value date from')),
  to: optional(businessDate('Value date to')),
}).superRefine((v, ctx) => checkDateRange(ctx, v.from, v.to, { from: 'Value date from', to: 'Value date to' }));

export type BatchFilters = ReturnType<typeof batchFilters.parse>;

export const batchListDefinition: ListDefinition<BatchFilters> = {
  name: 'payout-batches',
  sorts: {
    created: { expr: 'b.id', type: 'bigint', label: 'Created' },
    valueDate: { expr: 'b.value_date', type: 'date', label: 'Value date' },
  },
  defaultSort: 'created',
  defaultOrder: 'desc',
  idExpr: 'b.id',
  filters: batchFilters,
};

export type BatchListItem = Omit<BatchView, 'releases'> & { releaseCount: number };
type BatchListRow = Parameters<typeof batchHead>[0] & { release_count: number };

export function batchList(sql: RawSql): ListSpec<BatchFilters, BatchListRow, BatchListItem> {
  return {
    def: batchListDefinition,
    query: ({ filters: f }) => ({
      select: sql`${sql.unsafe(batchColumns)}, (select count(*)::int from payout_batch_items i where i.batch_id = b.id and i.status = 'live') as release_count`,
      from: sql`payout_batches b`,
      where: [
        f.status ? sql`b.status = ${f.status}` : null,
        f.currency ? sql`b.currency = ${f.currency}` : null,
        f.from ? sql`b.value_date >= ${f.from}::date` : null,
        f.to ? sql`b.value_date <= ${f.to}::date` : null,
      ],
    }),
    map: (r) => ({ ...batchHead(r), releaseCount: r.release_count }),
    csv: [
      { header: 'Batch', value: (b) => b.id },
      { header: 'Status', value: (b) => b.status },
      { header: 'Currency', value: (b) => b.currency },
      { header: 'Value date', value: (b) => b.valueDate },
      { header: 'Total', value: (b) => b.total },
      { header: 'Releases', value: (b) => b.releaseCount },
      { header: 'Format', value: (b) => b.format ?? '' },
      { header: 'SHA-256', value: (b) => b.sha256 ?? '' },
      { header: 'Sent', value: (b) => b.sentDate ?? '' },
      { header: 'Settled', value: (b) => b.settledDate ?? '' },
      { header: 'Created by', value: (b) => b.createdBy },
    ],
    file: 'payout-batches',
  };
}
